import csv
import io
import json

import pytest
from django.core.management import call_command

from cooperation.models import LocalAuthority, Partnership
from proposals.models import Proposal
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_it_lists_the_datasets_with_their_licence_and_dictionary(client):
    text = visible_text(client.get("/donnees/"))
    assert "Licence Ouverte 2.0" in text
    for name in ["partenariats.csv", "partenaires.geojson", "reseaux.json", "preconisations.csv"]:
        assert name in text
    assert "city1, country1, lat1, lng1" in text


def test_partnerships_export_in_the_twin_towns_layout(client):
    response = client.get("/donnees/partenariats.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
    assert ["Toulouse", "FR", "43.60450", "1.44400", "Hanoï", "VN", "21.02850", "105.85420"] in rows
    assert len(rows) - 1 == Partnership.objects.count()


@pytest.mark.parametrize("kind", ["jumelage", "accord-de-cooperation"])
def test_an_export_imports_back_without_any_change(client, tmp_path, kind):
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(client.get(f"/donnees/partenariats.csv?type={kind}").streaming_content))
    before = (Partnership.objects.count(), LocalAuthority.objects.count())
    call_command("import_twinnings", str(path), kind=kind, verbosity=0)
    assert (Partnership.objects.count(), LocalAuthority.objects.count()) == before


def test_an_unknown_type_is_refused(client):
    assert client.get("/donnees/partenariats.csv?type=amitie").status_code == 400


def test_partners_geojson_has_a_point_per_located_authority(client):
    data = json.loads(client.get("/donnees/partenaires.geojson").content)
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert {"Toulouse", "Bologne", "Province du Fujian"} <= names
    hanoi = next(f for f in data["features"] if f["properties"]["slug"] == "hanoi")
    assert hanoi["geometry"]["coordinates"] == [105.8542, 21.0285]
    assert hanoi["properties"]["country"] == "VN"


def test_networks_json_has_objectives_key_dates_and_members(client):
    data = json.loads(client.get("/donnees/reseaux.json").content)
    aeropostale = next(n for n in data["networks"] if n["slug"] == "aeropostale")
    assert len(aeropostale["members"]) == 28
    assert len(aeropostale["key_dates"]) == 6 and aeropostale["objectives"]
    assert data["licence"] == "Licence Ouverte 2.0"


def test_proposals_csv_has_totals_and_nothing_personal(client, verified_citizen):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    from proposals import services

    services.vote_cast(proposal=proposal, user=verified_citizen, value="pour")
    rows = _csv(client.get("/donnees/preconisations.csv"))
    assert rows[0] == [
        "slug",
        "title",
        "status",
        "official",
        "votes_for",
        "votes_against",
        "comments",
        "created",
    ]
    row = next(r for r in rows if r[0] == proposal.slug)
    assert row[4] == "1"
    content = "\n".join(",".join(r) for r in rows)
    assert verified_citizen.email not in content and verified_citizen.username not in content


def test_an_unknown_dataset_is_a_404(client):
    assert client.get("/donnees/secret.csv").status_code == 404


def test_exports_keep_a_fixed_number_of_queries(client, partnership_factory, django_assert_max_num_queries):
    partnership_factory.create_batch(30)
    for url in ["/donnees/partenariats.csv", "/donnees/partenaires.geojson", "/donnees/preconisations.csv"]:
        with django_assert_max_num_queries(3):
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
    # networks, objectives, key dates, memberships, their authorities and organisations,
    # and the countries of each
    with django_assert_max_num_queries(8):
        client.get("/donnees/reseaux.json")
