"""python manage.py import_twinnings FILE.csv [--kind jumelage] [--dry-run] [--no-progress]"""

import functools
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from cooperation.importers import ImportFileError, ImportReport, twinnings_import
from cooperation.models import LocalAuthority, Partnership, PartnershipKind
from core.history import HistoryRole, last_pk, record_created_after

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Importe des partenariats depuis un CSV de villes jumelles "
        "(city1,country1,lat1,lng1,city2,country2,lat2,lng2) ; crée les collectivités et pays manquants."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV en UTF-8.")
        parser.add_argument(
            "--kind",
            default=PartnershipKind.TWINNING,
            choices=PartnershipKind.values,
            help="Type des partenariats créés (par défaut : jumelage).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien enregistrer.")
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # tqdm needs the raw stream: self.stderr (an OutputWrapper) appends a newline to every write.
        progress = functools.partial(
            tqdm,
            file=options.get("stderr") or sys.stderr,
            unit="ligne",
            leave=False,
            disable=options["no_progress"] or verbosity == 0,
        )
        try:
            with transaction.atomic():
                # bulk_create sends no signal: the rows above these ids are recorded in
                # the history here, as created by the import.
                last = {model: last_pk(model) for model in (LocalAuthority, Partnership)}
                report = twinnings_import(
                    rows_file=options["file"],
                    kind=options["kind"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
                if not report.dry_run:
                    for model, after in last.items():
                        record_created_after(model, after, HistoryRole.IMPORT)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if report.partnerships_created and not report.dry_run:
            # Fresh planner statistics after a bulk load: without them the list pages pick
            # plans made for an empty catalogue until autovacuum passes.
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE cooperation_country, cooperation_localauthority, cooperation_partnership"
                )
        if verbosity:
            self.stdout.write(self.summary(report))

    @staticmethod
    def summary(report: ImportReport) -> str:
        lines = []
        if report.dry_run:
            lines.append("Simulation (--dry-run) : rien n’a été enregistré.")
        lines += [
            f"Lignes lues : {report.rows_read}",
            f"Partenariats créés : {report.partnerships_created}",
            f"Partenariats déjà présents : {report.already_present}",
            f"Collectivités créées : {report.authorities_created}",
            f"Pays créés : {report.countries_created}",
            f"Lignes ignorées : {report.rows_skipped}",
        ]
        lines += [f"  {error}" for error in report.errors[:MAX_ERRORS_SHOWN]]
        if report.rows_skipped > MAX_ERRORS_SHOWN:
            lines.append(f"  … et {report.rows_skipped - MAX_ERRORS_SHOWN} autres")
        return "\n".join(lines)
