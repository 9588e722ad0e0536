import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation import importers
from cooperation.models import LocalAuthority, Partnership, Theme
from evaluation import services as evaluation_services
from evaluation.figures import MINIMUM_REVIEWERS
from evaluation.models import PartnershipAction, PartnershipAssessment
from networks.models import KeyDate, Membership
from opendata.datasets import DATASETS, DATASETS_BY_SLUG
from opendata.services import File, export_write
from opendata.writers import LIST_SEPARATOR
from proposals import services
from proposals.models import Comment, Proposal
from tests.archipel.test_html import assert_valid
from tests.factories import verify
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

FILES = [name for dataset in DATASETS for name in dataset.files]
CSV_DATASETS = [dataset.slug for dataset in DATASETS if "csv" in dataset.formats]
TABLES = [dataset.slug for dataset in DATASETS if {"csv", "json"} <= set(dataset.formats)]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def _download(client, name: str, **params) -> str:
    response = client.get(f"/donnees/{name}", params)
    assert response.status_code == 200, name
    return response.content.decode()


def _csv(client, name, **params) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_download(client, name, **params))))


def _json(client, name, **params) -> dict:
    return json.loads(_download(client, name, **params))


def _csv_records(client, slug) -> list[dict]:
    header, *rows = _csv(client, f"{slug}.csv")
    return [dict(zip(header, row, strict=True)) for row in rows]


def _as_csv_cell(value) -> str:
    """How the CSV writes a JSON value (the rules the /donnees/ page states)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_as_csv_cell(item) for item in value)
    return str(value)


def _same_value(csv_cell: str, json_value) -> bool:
    if isinstance(json_value, float):  # a coordinate: "21.02850" in the CSV, 21.0285 in JSON
        return float(csv_cell) == json_value
    return csv_cell == _as_csv_cell(json_value)


# The page ------------------------------------------------------------------------------------


def test_it_lists_every_dataset_with_its_licence_files_and_dictionary(client):
    response = client.get("/donnees/")
    text, html = visible_text(response), response.content.decode()
    assert "Licence Ouverte 2.0" in text
    for dataset in DATASETS:
        assert str(dataset.title) in text
        for name in dataset.files:
            assert f'href="/donnees/{name}"' in html
        for column in dataset.columns:
            assert f"{column.name} {column.description}" in text, (dataset.slug, column.name)


def test_the_page_is_valid_html_and_reads_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the stored files' sizes and dates
        response = client.get("/donnees/")
    assert_valid(response, "/donnees/")


# Every file ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_file_downloads_with_its_content_type_and_name(client, name):
    response = client.get(f"/donnees/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[name.rpartition(".")[2]]
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content


@pytest.mark.parametrize("slug", CSV_DATASETS)
def test_the_csv_header_is_the_declared_columns(client, slug, user_factory):
    _evaluate(Partnership.objects.get(slug="toulouse-hanoi"), user_factory)
    header, *rows = _csv(client, f"{slug}.csv")
    assert header == [column.name for column in DATASETS_BY_SLUG[slug].columns]
    assert rows


@pytest.mark.parametrize("name", [name for name in FILES if not name.endswith(".csv")])
def test_json_files_carry_licence_date_and_dictionary(client, name, user_factory):
    _evaluate(Partnership.objects.get(slug="toulouse-hanoi"), user_factory)
    data = _json(client, name)
    dataset = DATASETS_BY_SLUG[name.rpartition(".")[0]]
    assert data["licence"] == "Licence Ouverte 2.0"
    assert data["licence_url"].startswith("https://www.etalab.gouv.fr/")
    assert len(data["date"]) == 10 and data["date"][:2] == "20"
    assert [c["name"] for c in data["columns"]] == [c.name for c in dataset.columns]
    assert all(c["description"] for c in data["columns"])
    rows = data["features"] if name.endswith(".geojson") else data["rows"]
    assert rows
    properties = rows[0]["properties"] if name.endswith(".geojson") else rows[0]
    assert list(properties) == [c.name for c in dataset.columns]


def _known_proposal():
    return {"slug": Proposal.objects.filter(is_official=True).order_by("pk").first().slug}


# A row of the real catalogue per dataset, and values the seeds give it.
KNOWN_ROWS = [
    (
        "collectivites",
        {"slug": "hanoi"},
        {"name": "Hanoï", "country": "VN", "latitude": "21.02850", "longitude": "105.85420"},
    ),
    (
        "partenariats-detail",
        {"slug": "toulouse-hanoi"},
        {
            "kind": "accord-de-cooperation",
            "since": "1996-01-01",
            "since_precision": "year",
            "french_authority": "toulouse",
            "partner": "hanoi",
            "partner_country": "VN",
            "axes": "transition-ecologique",
            "action_fields": "cooperation-decentralisee",
            "sdgs": "11|13",
            "sources": "https://www.toulouse.fr/web/la-mairie/europe-international",
        },
    ),
    ("reseaux", {"slug": "aeropostale"}, {"founded": "2011-12-01", "founded_precision": "month"}),
    (
        "adhesions",
        {"network": "aeropostale", "member": "toulouse"},
        {
            "member_type": "collectivite",
            "country": "FR",
            "role": "Présidence (fondatrice)",
            "since": "2011-12-01",
            "since_precision": "month",
            "home": "oui",
        },
    ),
    (
        "dates-cles",
        {"network": "aeropostale", "label": "Création du réseau et 1re rencontre à Toulouse"},
        {"date": "2011-12-01", "precision": "month"},
    ),
    (
        "acteurs",
        {"slug": "occitanie-cooperation"},
        {
            "name": "Occitanie Coopération",
            "city": "Ramonville",
            "department": "Haute-Garonne (31)",
            "phone": "05 32 26 26 73",
            "email": "equipe@oc-cooperation.org",
            "action_fields": "cooperation-decentralisee|soutien-acteurs-solidarite",
        },
    ),
    ("preconisations", _known_proposal, {"official": "oui", "status": "publiee"}),
]


@pytest.mark.parametrize(("slug", "key", "expected"), KNOWN_ROWS, ids=[row[0] for row in KNOWN_ROWS])
def test_json_and_csv_give_the_same_values_for_a_known_row(client, slug, key, expected):
    key = key() if callable(key) else key

    def matches(record):
        return all(record[name] == value for name, value in key.items())

    [csv_row] = [record for record in _csv_records(client, slug) if matches(record)]
    [json_row] = [record for record in _json(client, f"{slug}.json")["rows"] if matches(record)]
    assert list(json_row) == list(csv_row)
    for name, cell in csv_row.items():
        assert _same_value(cell, json_row[name]), (name, cell, json_row[name])
    assert {name: csv_row[name] for name in expected} == expected


def test_every_table_has_as_many_rows_in_csv_and_json(client):
    for slug in TABLES:
        assert len(_csv(client, f"{slug}.csv")) - 1 == len(_json(client, f"{slug}.json")["rows"]), slug


def test_an_unknown_dataset_or_format_is_a_404(client):
    for name in ["secret.csv", "collectivites.xml", "partenariats.json", "collectivites", ".csv"]:
        assert client.get(f"/donnees/{name}").status_code == 404, name


# Partnerships --------------------------------------------------------------------------------


def test_partnerships_export_in_the_twin_towns_layout(client):
    rows = _csv(client, "partenariats.csv")
    assert rows[0] == importers.HEADER
    assert ["Toulouse", "FR", "43.60450", "1.44400", "Hanoï", "VN", "21.02850", "105.85420"] in rows
    assert len(rows) - 1 == Partnership.objects.count()


@pytest.mark.parametrize("kind", ["jumelage", "accord-de-cooperation"])
def test_an_export_imports_back_without_any_change(client, tmp_path, kind):
    path = tmp_path / "export.csv"
    path.write_text(_download(client, "partenariats.csv", type=kind), encoding="utf-8")
    before = (Partnership.objects.count(), LocalAuthority.objects.count())
    call_command("import_twinnings", str(path), kind=kind, verbosity=0)
    assert (Partnership.objects.count(), LocalAuthority.objects.count()) == before


@pytest.mark.parametrize("name", ["partenariats.csv", "partenariats-detail.csv", "partenariats-detail.json"])
def test_an_unknown_type_is_refused_in_french(client, name):
    response = client.get(f"/donnees/{name}?type=amitie")
    assert response.status_code == 400
    assert "Type inconnu" in response.content.decode()


def test_the_detail_filters_by_type(client):
    records = _csv_records(client, "partenariats-detail")
    twinnings = [r for r in records if r["kind"] == "jumelage"]
    filtered = _json(client, "partenariats-detail.json", type="jumelage")["rows"]
    assert twinnings and len(filtered) == len(twinnings) < len(records)
    assert {r["kind"] for r in filtered} == {"jumelage"}


# Networks ------------------------------------------------------------------------------------


def test_networks_members_and_key_dates_are_three_tables(client):
    aeropostale = next(n for n in _json(client, "reseaux.json")["rows"] if n["slug"] == "aeropostale")
    assert aeropostale["objectives"] and aeropostale["name"]
    members = [m for m in _json(client, "adhesions.json")["rows"] if m["network"] == "aeropostale"]
    assert len(members) == 28 == Membership.objects.filter(network__slug="aeropostale").count()
    key_dates = [k for k in _csv_records(client, "dates-cles") if k["network"] == "aeropostale"]
    assert len(key_dates) == 6 == KeyDate.objects.filter(network__slug="aeropostale").count()


def test_memberships_say_which_are_the_home_citys_own(client):
    records = _csv_records(client, "adhesions")
    home = {r["member"] for r in records if r["home"] == "oui"}
    assert home and home <= {"toulouse", "toulouse-metropole"}
    assert {r["home"] for r in records} == {"oui", "non"}
    organisations = [r for r in records if r["member_type"] == "organisation"]
    assert organisations and all(r["home"] == "non" for r in organisations)


# Maps ----------------------------------------------------------------------------------------


def test_partners_geojson_has_a_point_per_located_authority(client):
    data = _json(client, "partenaires.geojson")
    assert data["type"] == "FeatureCollection"
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert {"Toulouse", "Bologne", "Province du Fujian"} <= names
    hanoi = next(f for f in data["features"] if f["properties"]["slug"] == "hanoi")
    assert hanoi["geometry"] == {"type": "Point", "coordinates": [105.8542, 21.0285]}
    assert hanoi["properties"]["country"] == "VN"


def test_network_members_geojson_has_their_networks(client, local_authority_factory, membership_factory):
    unlocated = membership_factory(authority=local_authority_factory()).authority
    data = _json(client, "membres-reseaux.geojson")
    toulouse = next(f for f in data["features"] if f["properties"]["slug"] == "toulouse")
    assert toulouse["geometry"]["coordinates"] == [1.444, 43.6045]
    assert "aeropostale" in toulouse["properties"]["networks"]
    slugs = {f["properties"]["slug"] for f in data["features"]}
    assert unlocated.slug not in slugs
    members = Membership.objects.filter(authority__isnull=False).values_list("authority__slug", flat=True)
    assert slugs <= set(members)


# Préconisations and nothing personal ---------------------------------------------------------


def test_hidden_proposals_are_left_out(client, proposal_factory):
    hidden = proposal_factory(is_hidden=True, hidden_reason="Propos injurieux")
    visible = proposal_factory()
    for name in ["preconisations.csv", "preconisations.json"]:
        content = _download(client, name)
        assert visible.slug in content and hidden.slug not in content
        assert "Propos injurieux" not in content


def test_no_file_holds_anything_personal(client, user_factory, proposal_factory):
    # Names no catalogue text contains ("citoyenne" does: "citoyenneté").
    citizen = verify(
        user_factory(username="kx-votante", email="kx.votante@example.org", display_name="Camille Kxq")
    )
    official = Proposal.objects.filter(is_official=True).order_by("pk").first()
    services.vote_cast(proposal=official, user=citizen, value="pour")
    own = proposal_factory(author=citizen)
    Comment.objects.create(proposal=official, author=citizen, body="Un avis signé Kxq")
    evaluation_services.review_save(
        author=citizen,
        partnership=Partnership.objects.get(slug="toulouse-hanoi"),
        scores={Theme.objects.first(): 2},
        comment="Un avis signé Kxq sur Hanoï",
    )
    records = _csv_records(client, "preconisations")
    assert next(r for r in records if r["slug"] == official.slug)["votes_for"] == str(official.votes_for + 1)
    assert next(r for r in records if r["slug"] == own.slug)["official"] == "non"
    for name in FILES:
        content = _download(client, name)
        for personal in [citizen.email, citizen.username, "Kxq", "Un avis signé"]:
            assert personal not in content, (name, personal)


# A fixed number of queries -------------------------------------------------------------------

# Building a file: rows, then one query per prefetched relation (per 2,000 rows).
QUERIES = {
    "collectivites": 1,  # authorities with country and parent
    "partenariats": 1,  # partnerships with both authorities and their countries
    "partenariats-detail": 5,  # partnerships; axes, fields of action, SDGs, sources
    "reseaux": 3,  # networks with headquarters; axes, objectives
    "adhesions": 1,  # memberships with network, member and country, home flag as a subquery
    "dates-cles": 1,  # key dates with network
    "acteurs": 4,  # organisations with country; intervention countries, fields, activities
    "preconisations": 3,  # proposals with topic; axes, étiquettes
    "partenaires": 1,  # located authorities in a partnership, with country
    "membres-reseaux": 2,  # located member authorities with country; memberships with network
    "evaluations": 1,  # partnerships with both authorities (the figures are columns)
    "actions": 5,  # actions with partnership and field; axes, SDGs, organisations, sources
    "bilans": 2,  # assessments with partnership; sources
    "avis-par-axe": 1,  # scores grouped by partnership and axis
}


def _evaluate(partnership, citizen_factory):
    """One action, one assessment and the reviews of `partnership` by as many citizens as
    a published average needs (MINIMUM_REVIEWERS), each scoring 4 on every axis."""
    action = PartnershipAction.objects.create(partnership=partnership, title="Échange", year=2022, budget=100)
    action.themes.set(Theme.objects.all()[:1])
    PartnershipAssessment.objects.create(
        partnership=partnership,
        year=2022,
        published_on=datetime.date(2023, 1, 5),
        achievements="Fait.",
        cost=90,
    )
    for _n in range(MINIMUM_REVIEWERS):
        evaluation_services.review_save(
            author=verify(citizen_factory()),
            partnership=partnership,
            scores={theme: 4 for theme in Theme.objects.all()},
            comment="",
        )


def _queries(name) -> int:
    """The queries of writing file `name` (a download reads the stored file only)."""
    slug, _dot, extension = name.rpartition(".")
    with CaptureQueriesContext(connection) as context:
        export_write(File(DATASETS_BY_SLUG[slug], extension))
    return len(context.captured_queries)


def _many_more_rows(factories):
    theme = factories["theme"]()
    for _ in range(30):
        partnership = factories["partnership"](partner__latitude=10, partner__longitude=20, themes=[theme])
        _evaluate(partnership, factories["user"])
        factories["membership"](authority=partnership.partner)
        factories["membership"](authority=None, organisation=factories["organisation"](in_directory=True))
        factories["key_date"]()
        factories["organisation"](in_directory=True)
        factories["proposal"]().tags.add("essai")


def test_every_file_costs_the_same_queries_to_build_with_few_or_many_rows(
    theme_factory,
    partnership_factory,
    membership_factory,
    organisation_factory,
    key_date_factory,
    proposal_factory,
    user_factory,
):
    assert set(QUERIES) == set(DATASETS_BY_SLUG)
    _evaluate(Partnership.objects.get(slug="toulouse-hanoi"), user_factory)
    few = {name: _queries(name) for name in FILES}
    _many_more_rows(
        {
            "theme": theme_factory,
            "partnership": partnership_factory,
            "membership": membership_factory,
            "organisation": organisation_factory,
            "key_date": key_date_factory,
            "proposal": proposal_factory,
            "user": user_factory,
        }
    )
    many = {name: _queries(name) for name in FILES}
    expected = {name: QUERIES[name.rpartition(".")[0]] for name in FILES}
    assert few == expected
    assert many == expected


def test_the_evaluation_files_give_figures_and_summed_scores(client, user_factory):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    _evaluate(hanoi, user_factory)
    evaluation_services.review_save(
        author=verify(user_factory()), partnership=hanoi, scores={Theme.objects.first(): 2}, comment=""
    )
    evaluation = next(r for r in _csv_records(client, "evaluations") if r["partnership"] == "toulouse-hanoi")
    assert evaluation["last_assessed_year"] == "2022"
    assert evaluation["spending"] == "90"  # the assessment's cost wins over the action's budget
    assert evaluation["reviewer_count"] == str(MINIMUM_REVIEWERS + 1)
    first_axis = Theme.objects.first().slug
    scores = next(
        r
        for r in _csv_records(client, "avis-par-axe")
        if r["partnership"] == "toulouse-hanoi" and r["axis"] == first_axis
    )
    assert (scores["total"], scores["average"], scores["score_2"], scores["score_4"]) == (
        "6",
        "3.67",  # (5 × 4 + 2) / 6
        "1",
        "5",
    )
    assert _csv_records(client, "bilans")[0]["achievements"] == "Fait."
    assert _csv_records(client, "actions")[0]["title"] == "Échange"
