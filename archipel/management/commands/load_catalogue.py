from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from archipel import seeds
from archipel.dblock import SETUP_LOCK, advisory_lock


class Command(BaseCommand):
    # Help texts stay plain strings: argparse cannot format lazy translations.
    help = (
        "Applique une seule fois chaque fichier du catalogue (fixtures/) : un démarrage ne remet "
        "jamais en place ce que l’équipe a modifié ou supprimé. --changes montre ce qu’une "
        "nouvelle application changerait, --reapply l’effectue."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--changes",
            nargs="*",
            metavar="FICHIER",
            help=(
                "Montre, sans rien écrire, ce que l’application de nouveau de ces fichiers changerait "
                "dans la base (par défaut : les fichiers modifiés depuis leur application)."
            ),
        )
        group.add_argument(
            "--reapply",
            nargs="+",
            metavar="FICHIER",
            help=(
                "Applique de nouveau ces fichiers (loaddata, une transaction) : remplace ce que "
                "l’équipe a modifié dans leurs lignes. Vérifiez d’abord avec --changes."
            ),
        )

    def handle(self, *args, changes=None, reapply=None, **options):
        self.verbosity = options["verbosity"]
        # The lock `migrate` takes: load after the migrations another instance runs, and
        # never twice at once.
        with advisory_lock(SETUP_LOCK, on_wait=self.say_waiting):
            try:
                if changes is not None:
                    self.show_changes(changes or None)
                elif reapply:
                    self.reapply(reapply)
                else:
                    self.apply()
            except seeds.UnknownSeedFile as error:
                raise CommandError(str(error)) from error

    def apply(self):
        report = seeds.seeds_apply(verbosity=self.verbosity)
        if not self.verbosity:
            return
        if report.applied:
            self.stdout.write(_("Fichiers appliqués : %(files)s.") % {"files": ", ".join(report.applied)})
            self.stdout.write(_("Contenus initiaux ajoutés : %(count)d") % {"count": report.inserted})
        else:
            self.stdout.write(_("Catalogue déjà appliqué : rien à charger."))
        for seed in report.changed:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(file)s a changé depuis son application le %(date)s : la base n’a pas été "
                        "modifiée. Voir ce qu’une nouvelle application changerait : "
                        "python manage.py load_catalogue --changes %(file)s ; l’appliquer : "
                        "python manage.py load_catalogue --reapply %(file)s"
                    )
                    % {
                        "file": seed.path,
                        "date": timezone.localtime(seed.applied_at).strftime("%Y-%m-%d %H:%M"),
                    }
                )
            )

    def show_changes(self, names):
        if names is None:
            names = [seed.path for seed in seeds.changed_seeds()]
            if not names:
                self.stdout.write(_("Aucun fichier appliqué n’a changé depuis son application."))
                return
        differences = seeds.seed_changes(names)
        current_file = None
        for difference in differences:
            if difference.file != current_file:
                current_file = difference.file
                self.stdout.write(self.style.MIGRATE_HEADING(current_file))
            self.stdout.write(f"  {difference}")
        files = sorted({difference.file for difference in differences})
        if files:
            self.stdout.write(
                _("Rien n’a été écrit. Pour appliquer : python manage.py load_catalogue --reapply %(files)s")
                % {"files": " ".join(files)}
            )
        else:
            self.stdout.write(_("La base contient déjà tout ce que ces fichiers disent : rien à changer."))

    def reapply(self, names):
        applied = seeds.seeds_reapply(names, verbosity=self.verbosity)
        if self.verbosity:
            self.stdout.write(_("Fichiers appliqués de nouveau : %(files)s.") % {"files": ", ".join(applied)})

    def say_waiting(self):
        if self.verbosity:
            self.stdout.write(_("Une autre instance met la base à jour : attente de la fin…"))
