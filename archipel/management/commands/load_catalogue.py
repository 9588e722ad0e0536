from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def catalogue_fixtures() -> list[Path]:
    """The seed catalogue, in loading order (files are numbered by dependency).

    Loaded with loaddata: the seeds are the source of truth for these rows, and a reload
    puts back what the seeds say (rows staff add are kept).
    """
    return sorted(FIXTURES_DIR.glob("*.json"))


def initial_fixtures() -> list[Path]:
    """Participation content seeded once (Archipel's préconisations): inserted when
    missing, never overwritten, so that votes, counters, status and official answers
    that life has changed survive every `make run`."""
    return sorted((FIXTURES_DIR / "initial").glob("*.json"))


def insert_missing(path: Path) -> int:
    """Insert the objects of a fixture file that are not in the database yet. Call inside
    a transaction. Returns how many were inserted."""
    inserted, models = 0, set()
    with path.open(encoding="utf-8") as fixture:
        for item in serializers.deserialize("json", fixture, handle_forward_references=True):
            model = type(item.object)
            if item.object.pk is not None and model._default_manager.filter(pk=item.object.pk).exists():
                continue
            try:
                with transaction.atomic():
                    item.save()
            except IntegrityError:
                continue  # present under another id (staff re-created it): leave it
            inserted += 1
            models.add(model)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    return inserted


class Command(BaseCommand):
    help = "Charge le catalogue des sources (idempotent : deux chargements donnent les mêmes lignes)."

    def handle(self, *args, **options):
        with transaction.atomic():
            # One loaddata call: one transaction, natural keys resolved across files.
            call_command(
                "loaddata", *[str(path) for path in catalogue_fixtures()], verbosity=options["verbosity"]
            )
            inserted = sum(insert_missing(path) for path in initial_fixtures())
        if options["verbosity"]:
            self.stdout.write(f"Contenus initiaux ajoutés : {inserted}")
