"""Benchmark the catalogue at scale: 30,000 partnerships among 20,000 authorities.

    make benchmark-scale      (or: .venv/bin/python scripts/benchmark.py [--rows N] [--runs N])

Works in its own database, `archipel_benchmark`, on the same server as the site (the
embedded PostgreSQL, or DATABASE_URL's server), recreated each time: migrate, load the
seed catalogue, generate a twin-towns CSV, time `import_twinnings`, then time each
catalogue page through Django's full request path (middleware, view, template, SQL),
DEBUG off. Prints a Markdown table of server times (median and 95th percentile) and
SQL query counts; the README records the figures.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCHMARK_DB = "archipel_benchmark"


def benchmark_database_url(name: str = BENCHMARK_DB) -> str:
    """A fresh, empty database `name` beside the site's own (scripts/benchmark_http.py
    uses it too)."""
    import psycopg

    if os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        from archipel.embedded_postgres import database_url

        admin_url = database_url(BASE_DIR, "postgres")
        url = database_url(BASE_DIR, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def time_request(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches, templates and the persistent connection
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--authorities", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = benchmark_database_url()
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archipel.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from cooperation.models import LocalAuthority, Partnership

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "twins.csv"
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "scripts" / "generate_twin_towns_csv.py"),
                str(csv_path),
                "--rows",
                str(args.rows),
                "--authorities",
                str(args.authorities),
            ],
            check=True,
        )
        start = time.perf_counter()
        call_command("import_twinnings", str(csv_path), verbosity=0)
        import_seconds = time.perf_counter() - start

    partnerships = Partnership.objects.count()
    authorities = LocalAuthority.objects.count()
    busiest = LocalAuthority.objects.annotate(n=Count("partnerships_as_french")).order_by("-n").first()
    sample = Partnership.objects.order_by("-pk").first()
    last_page = (partnerships + 19) // 20
    urls = [
        "/",
        "/partenariats/",
        "/partenariats/?type=jumelage&tri=-depuis",
        "/partenariats/?continent=europe&depuis_min=1990&depuis_max=2010&tri=pays",
        f"/partenariats/?page={last_page}",
        f"/partenariats/{sample.slug}/",
        "/partenariats/toulouse-bologne/",
        f"/collectivites/{busiest.slug}/",
        "/collectivites/toulouse/",
        "/reseaux/",
        "/reseaux/?q=villes&echelle=international",
        "/reseaux/aeropostale/",
        "/evaluation/",
        "/evaluation/?tri=-note",
        "/evaluation/?tri=depenses&type=jumelage",
        f"/evaluation/?page={last_page}",
        "/donnees/",
        "/sante/",
    ]
    client = Client()
    print(
        f"\nCatalogue: {partnerships:,} partnerships, {authorities:,} authorities "
        f"(import of {args.rows:,} rows: {import_seconds:.1f} s)\n"
    )
    print("| page | median (ms) | p95 (ms) | SQL queries |")
    print("|---|---:|---:|---:|")
    slowest = 0.0
    for url in urls:
        median, p95, queries = time_request(client, url, args.runs)
        slowest = max(slowest, median)
        print(f"| `{url}` | {median:.1f} | {p95:.1f} | {queries} |")
    print(
        f"\nSlowest median: {slowest:.1f} ms (target: under 100 ms). Import: {import_seconds:.1f} s (target: under 60 s)."
    )


if __name__ == "__main__":
    main()
