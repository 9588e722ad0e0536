"""python manage.py generate_demo_data [--users N] [--proposals N] [--votes N] [--comments N] [--seed N] [--reset]"""

import functools
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from proposals.demo import DEMO_PASSWORD, DemoDataExists, demo_data_generate


def positive_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Remplit la base courante de données de démonstration à l’échelle d’une ville : citoyens "
        "vérifiés, préconisations, votes et commentaires, compteurs recalculés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--users", type=positive_int, default=100_000, help="Citoyens (défaut : 100 000)."
        )
        parser.add_argument(
            "--proposals", type=positive_int, default=30_000, help="Préconisations (défaut : 30 000)."
        )
        parser.add_argument(
            "--votes", type=positive_int, default=2_000_000, help="Votes (défaut : 2 000 000)."
        )
        parser.add_argument(
            "--comments", type=positive_int, default=250_000, help="Commentaires (défaut : 250 000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine du générateur (mêmes lignes à chaque fois)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Supprimer d’abord les données de démonstration existantes."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if options["users"] < 1 and (options["proposals"] or options["votes"] or options["comments"]):
            raise CommandError(
                "Il faut au moins un utilisateur pour écrire des préconisations, votes ou commentaires."
            )
        # tqdm needs the raw stream: self.stderr (an OutputWrapper) appends a newline to every write.
        progress = functools.partial(
            tqdm, file=options.get("stderr") or sys.stderr, leave=False, disable=verbosity == 0
        )
        started = time.monotonic()
        try:
            report = demo_data_generate(
                users=options["users"],
                proposals=options["proposals"],
                votes=options["votes"],
                comments=options["comments"],
                seed=options["seed"],
                reset=options["reset"],
                progress=progress,
            )
        except DemoDataExists as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(
                f"Données de démonstration créées en {time.monotonic() - started:.0f} s : "
                f"{report.users} utilisateurs, {report.proposals} préconisations, {report.votes} votes, "
                f"{report.comments} commentaires (dont {report.replies} réponses), {report.tags} étiquettes."
            )
            self.stdout.write(f"Mot de passe de tous les comptes demo-… : {DEMO_PASSWORD}")
            if report.benchmark_slug:
                self.stdout.write(f"Préconisation à 2 000 commentaires : {report.benchmark_slug}")
