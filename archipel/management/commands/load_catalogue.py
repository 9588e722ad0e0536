from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def catalogue_fixtures() -> list[Path]:
    """The seed catalogue, in loading order (files are numbered by dependency)."""
    return sorted(FIXTURES_DIR.glob("*.json"))


class Command(BaseCommand):
    help = "Charge le catalogue des sources (idempotent : deux chargements donnent les mêmes lignes)."

    def handle(self, *args, **options):
        # One loaddata call: one transaction, natural keys resolved across files.
        call_command(
            "loaddata", *[str(path) for path in catalogue_fixtures()], verbosity=options["verbosity"]
        )
