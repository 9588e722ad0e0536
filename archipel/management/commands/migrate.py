from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.utils.translation import gettext as _

from archipel.dblock import SETUP_LOCK, advisory_lock


class Command(MigrateCommand):
    """Django's `migrate`, run by one instance at a time, then the cache table.

    Instances started together would otherwise apply the same migrations at once and
    fail on "relation already exists". The advisory lock makes the others wait; once they
    hold it they find nothing left to apply. The database cache table is created under
    the same lock (Django's `migrate` does not create it), so that every migrated
    database, test databases included, has it.
    """

    help = (
        "Met à jour le schéma de la base (une instance à la fois, sous un verrou consultatif "
        "PostgreSQL), puis crée la table du cache."
    )

    def handle(self, *args, **options):
        database = options["database"]
        with advisory_lock(SETUP_LOCK, using=database, on_wait=lambda: self._say_waiting(options)):
            super().handle(*args, **options)
            # --plan and --check only look: they write nothing.
            if not (options["plan"] or options["check_unapplied"]):
                # One level quieter: "already exists" at every start is noise.
                call_command("createcachetable", database=database, verbosity=options["verbosity"] - 1)

    def _say_waiting(self, options):
        if options["verbosity"]:
            self.stdout.write(_("Une autre instance met la base à jour : attente de la fin…"))
