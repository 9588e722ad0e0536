from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.utils.translation import gettext as _

from archipel.dblock import SETUP_LOCK, advisory_lock


class Command(MigrateCommand):
    """Django's `migrate`, run by one instance at a time, after the cache tables.

    Instances started together would otherwise apply the same migrations at once and
    fail on "relation already exists". The advisory lock makes the others wait; once they
    hold it they find nothing left to apply. The database cache tables are created under
    the same lock (Django's `migrate` does not create them), so that every migrated
    database, test databases included, has them; first, since a migration that writes
    content makes the stored pages out of date (core.pagecache), in the "pages" cache.
    """

    help = (
        "Met à jour le schéma de la base (une instance à la fois, sous un verrou consultatif "
        "PostgreSQL), après avoir créé les tables du cache."
    )

    def handle(self, *args, **options):
        database = options["database"]
        with advisory_lock(SETUP_LOCK, using=database, on_wait=lambda: self._say_waiting(options)):
            # --plan and --check only look: they write nothing.
            if not (options["plan"] or options["check_unapplied"]):
                # One level quieter: "already exists" at every start is noise.
                call_command("createcachetable", database=database, verbosity=options["verbosity"] - 1)
            super().handle(*args, **options)

    def _say_waiting(self, options):
        if options["verbosity"]:
            self.stdout.write(_("Une autre instance met la base à jour : attente de la fin…"))
