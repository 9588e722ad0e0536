"""Benchmark participation at city scale, on a database filled by generate_demo_data.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/archipel_demo \\
        .venv/bin/python scripts/benchmark_participation.py [--runs 30]

Times, through Django's whole request path with DEBUG off: the préconisation list with
each filter and sort, the detail page of the proposal with the most comments (first and
last page of comments), and a vote (POST, as a signed-in verified citizen: cast, change,
withdraw). Prints a Markdown table (median, 95th percentile, SQL queries). It writes
only votes of one demo citizen, withdrawn at the end.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(call, runs):
    for _ in range(3):
        call()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(round(0.95 * len(timings))) - 1)]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database filled by `manage.py generate_demo_data`.")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archipel.test_settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from taggit.models import Tag

    from archipel.models import User
    from proposals.models import Proposal, Vote

    proposals = Proposal.objects.count()
    votes = Vote.objects.count()
    busiest = Proposal.objects.order_by("-comment_count").first()
    tag = Tag.objects.annotate(n=Count("proposals_taggedproposal_items")).order_by("-n").first()
    citizen = User.objects.filter(emailaddress__verified=True, is_staff=False).order_by("pk").first()
    target = Proposal.objects.filter(status="publiee", is_hidden=False).order_by("-votes_for").first()
    last_comment_page = (busiest.comments.filter(parent=None).count() + 19) // 20

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(citizen)
    pages = [
        ("/preconisations/", anonymous),
        ("/preconisations/?tri=soutien", anonymous),
        ("/preconisations/?tri=commentees", anonymous),
        ("/preconisations/?tri=debattues", anonymous),
        (f"/preconisations/?etiquette={tag.slug}&tri=soutien", anonymous),
        ("/preconisations/?axe=transition-ecologique&statut=en-etude&tri=debattues", anonymous),
        ("/preconisations/?q=cooperation+europeenne&tri=soutien", anonymous),
        ("/preconisations/?page=1000", anonymous),
        ("/preconisations/?tri=soutien", signed_in),
        (busiest.get_absolute_url(), anonymous),
        (busiest.get_absolute_url(), signed_in),
        (f"{busiest.get_absolute_url()}?page={last_comment_page}", anonymous),
    ]
    print(
        f"\n{proposals:,} préconisations, {votes:,} votes, {busiest.comment_count:,} comments on "
        f"`{busiest.slug}`\n"
    )
    print("| request | median (ms) | p95 (ms) | SQL queries |")
    print("|---|---:|---:|---:|")
    for url, client in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        median, p95 = measure(lambda client=client, url=url: client.get(url), args.runs)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        who = " (signed in)" if client is signed_in else ""
        print(f"| GET `{url}`{who} | {median:.1f} | {p95:.1f} | {len(queries.captured_queries)} |")

    vote_url = f"/preconisations/{target.slug}/vote/"
    values = iter(["pour", "contre"] * (args.runs + 10))
    median, p95 = measure(
        lambda: signed_in.post(vote_url, {"value": next(values)}, HTTP_HX_REQUEST="true"), args.runs
    )
    print(f"| POST `{vote_url}` (htmx, cast or change) | {median:.1f} | {p95:.1f} | |")
    signed_in.post(vote_url, {"value": "retirer"})


if __name__ == "__main__":
    main()
