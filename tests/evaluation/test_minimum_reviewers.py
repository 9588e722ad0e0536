"""Never one citizen's scores: averages and distributions are published only from
MINIMUM_REVIEWERS reviewers, on the partnership page, /evaluation/, the open data and
the API. Below it the number of participants still shows, never what they gave."""

import csv
import io

import pytest

from cooperation.models import Partnership, Theme
from evaluation import services
from evaluation.figures import MINIMUM_REVIEWERS
from tests.factories import UserFactory, verify
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = "Moins de 5 avis : la moyenne n’est pas publiée."


def axis(slug):
    return Theme.objects.get(slug=slug)


def rate(partnership, scores, *, prefix="noteur", comment=""):
    """One new verified citizen per score, each scoring "vivre-en-commun"."""
    for n, score in enumerate(scores):
        services.review_save(
            author=verify(UserFactory(username=f"{prefix}{n}")),
            partnership=partnership,
            scores={axis("vivre-en-commun"): score},
            comment=comment,
        )


@pytest.fixture
def atlanta():
    return Partnership.objects.get(slug="toulouse-atlanta")


def test_the_threshold_is_five():
    assert MINIMUM_REVIEWERS == 5


def test_one_reviewers_scores_are_not_shown_next_to_their_named_comment(client, atlanta):
    rate(atlanta, [4], prefix="seule", comment="Très bien.")

    text = visible_text(client.get(atlanta.get_absolute_url()))

    assert "Très bien." in text and "seule0" in text
    assert "1 citoyen a donné son avis sur ce partenariat." in text
    assert NOT_PUBLISHED in text
    assert "moyenne 4" not in text
    assert "1 avis 3 0 avis" not in text and "5 0 avis 4 1 avis" not in text


def test_four_reviewers_are_not_enough_five_are(client, atlanta):
    rate(atlanta, [5, 5, 5, 1])
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert NOT_PUBLISHED in text and "sur 4 avis" not in text
    atlanta.refresh_from_db()
    assert (atlanta.reviewer_count, atlanta.rating_average) == (4, None)

    rate(atlanta, [1], prefix="cinquieme")
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert "moyenne 3,4 sur 5 avis" in text
    assert NOT_PUBLISHED not in text.split("Vivre en commun")[1].split("Champs d’action")[0]
    atlanta.refresh_from_db()
    assert (atlanta.reviewer_count, str(atlanta.rating_average)) == (5, "3.40")


def test_the_evaluation_page_shows_no_rating_under_the_threshold_and_sorts_it_last(client, atlanta):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    rate(hanoi, [5, 5, 5, 5], prefix="hanoi")  # the best scores, from too few
    rate(atlanta, [2] * MINIMUM_REVIEWERS, prefix="atlanta")

    response = client.get("/evaluation/?collectivite=toulouse&tri=-note")
    text = visible_text(response)

    # Hanoï sorts with the partnerships without a rating, after Atlanta.
    assert text.index("Atlanta") < text.index("Hanoï")
    assert "2,0 / 5 (5 avis)" in text
    assert "5,0 / 5" not in text
    assert "moins de 5 avis (4)" in text
    html = response.content.decode()
    chart = html[html.index('id="graphique-vivre-en-commun-title"') :]
    chart = chart[: chart.index("</details>")]
    assert chart.count('<rect class="chart-bar"') == 1  # Atlanta's, not Hanoï's
    assert "(4)" not in chart.split("</svg>")[0]
    assert "5 : 4" not in chart  # Hanoï's distribution in the figures' table


def _csv_records(client, name):
    header, *rows = list(csv.reader(io.StringIO(client.get(f"/donnees/{name}").content.decode())))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_open_data_gives_no_scores_under_the_threshold(client, atlanta):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    rate(hanoi, [4], prefix="hanoi")
    rate(atlanta, [3] * MINIMUM_REVIEWERS, prefix="atlanta")

    by_axis = _csv_records(client, "avis-par-axe.csv")
    assert [(r["partnership"], r["axis"], r["total"], r["average"]) for r in by_axis] == [
        ("toulouse-atlanta", "vivre-en-commun", "5", "3.00")
    ]
    evaluations = {r["partnership"]: r for r in _csv_records(client, "evaluations.csv")}
    assert (
        evaluations["toulouse-hanoi"]["rating_average"],
        evaluations["toulouse-hanoi"]["reviewer_count"],
    ) == (
        "",
        "1",
    )
    assert evaluations["toulouse-atlanta"]["rating_average"] == "3.00"


def test_the_api_gives_no_average_under_the_threshold(client, atlanta):
    rate(atlanta, [4], prefix="api")
    data = client.get("/api/evaluations/toulouse-atlanta/").json()
    assert (data["rating_average"], data["reviewer_count"]) == (None, 1)

    rate(atlanta, [2] * (MINIMUM_REVIEWERS - 1), prefix="plus")
    data = client.get("/api/evaluations/toulouse-atlanta/").json()
    assert (data["rating_average"], data["reviewer_count"]) == (2.4, 5)


def test_the_migration_forgets_the_averages_stored_under_the_threshold(atlanta):
    import importlib

    from django.db import connection

    migration = importlib.import_module("evaluation.migrations.0003_ratings_from_five_reviewers")
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    rate(atlanta, [4], prefix="avant")
    rate(hanoi, [2] * MINIMUM_REVIEWERS, prefix="hanoi")
    # As refresh_summaries stored it before: one citizen's score as the average.
    Partnership.objects.filter(pk=atlanta.pk).update(rating_average=4)

    with connection.cursor() as cursor:
        cursor.execute(migration.FORGET_AVERAGES_UNDER_THE_THRESHOLD)

    atlanta.refresh_from_db()
    hanoi.refresh_from_db()
    assert (atlanta.reviewer_count, atlanta.rating_average) == (1, None)
    assert str(hanoi.rating_average) == "2.00"
