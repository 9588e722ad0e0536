"""What every endpoint of /api/ shares: the root, pagination, errors as JSON in French,
read-only methods, the rate limit, the schema and the docs."""

import json

import pytest
import yaml

from cooperation.models import Partnership

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "partenariats",
    "collectivites",
    "organisations",
    "reseaux",
    "adhesions",
    "preconisations",
    "evaluations",
]
DETAILS = [
    "/api/partenariats/toulouse-bologne/",
    "/api/collectivites/toulouse/",
    "/api/organisations/cnes/",
    "/api/reseaux/eccar/",
]


def test_the_root_lists_the_endpoints_the_schema_and_the_docs(client):
    response = client.get("/api/")
    assert response.status_code == 200
    data = response.json()
    assert list(data) == [*ENDPOINTS, "schema", "docs"]
    assert data["partenariats"] == "http://testserver/api/partenariats/"
    for url in data.values():
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


# Pagination --------------------------------------------------------------------------------


def test_lists_are_paginated_with_count_next_and_previous(client):
    total = Partnership.objects.count()
    first = client.get("/api/partenariats/?page_size=5").json()
    assert first["count"] == total and len(first["results"]) == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/partenariats/?page=2&page_size=5"
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert second["previous"] == "http://testserver/api/partenariats/?page_size=5"
    assert not {row["slug"] for row in first["results"]} & {row["slug"] for row in second["results"]}


def test_the_default_page_size_is_twenty_and_the_largest_a_hundred(client, partnership_factory):
    partnership_factory.create_batch(110)
    assert len(client.get("/api/partenariats/").json()["results"]) == 20
    assert len(client.get("/api/partenariats/?page_size=100").json()["results"]) == 100


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1.5"])
def test_a_page_that_does_not_exist_is_a_json_404(client, page):
    response = client.get(f"/api/partenariats/?page={page}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Page introuvable")


@pytest.mark.parametrize("size", ["0", "101", "-5", "abc", "1e2"])
def test_a_bad_page_size_is_a_400_that_says_why(client, size):
    response = client.get(f"/api/reseaux/?page_size={size}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "La taille de page doit être un nombre entier de 1 à 100.",
        "errors": {"page_size": ["La taille de page doit être un nombre entier de 1 à 100."]},
    }


# Errors and methods -----------------------------------------------------------------------


def test_an_unknown_slug_is_a_json_404_in_french(client):
    response = client.get("/api/partenariats/toulouse-atlantide/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Partenariat introuvable : « toulouse-atlantide »."}


def test_an_unknown_address_under_api_is_a_json_404(client):
    response = client.get("/api/jumelages/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/" in response.json()["detail"]
    # Without its slash, an endpoint's address still redirects, as everywhere on the site.
    assert client.get("/api/partenariats").status_code == 301


@pytest.mark.parametrize("url", [*(f"/api/{name}/" for name in ENDPOINTS), *DETAILS])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client, url, method):
    before = Partnership.objects.count()
    response = getattr(client, method)(url, data=json.dumps({"slug": "x"}), content_type="application/json")
    assert response.status_code == 405
    assert response.json()["detail"] == f"Méthode «\u00a0{method.upper()}\u00a0» non autorisée."
    assert Partnership.objects.count() == before


def test_it_is_rate_limited_per_address_with_a_french_message(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    assert client.get("/api/reseaux/").status_code == 200
    assert client.get("/api/reseaux/eccar/").status_code == 200
    response = client.get("/api/partenariats/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Requête ralentie")
    assert int(response["Retry-After"]) > 0
    assert "public" not in response.get("Cache-Control", "")
    other_address = client.get("/api/partenariats/", REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200
    # An answer already built is served from the page cache: it costs nothing to count.
    assert client.get("/api/reseaux/")["X-Page-Cache"] == "hit"


def test_it_answers_in_english_under_en(client):
    response = client.get("/en/api/partenariats/toulouse-bologne/")
    assert response.json()["partner"]["name_en"] == "Bologna"
    assert client.post("/en/api/partenariats/").json()["detail"] == 'Method "POST" not allowed.'
    french = client.post("/api/partenariats/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert french.startswith("Méthode")


# Schema and docs --------------------------------------------------------------------------


def test_the_schema_is_openapi_3_in_yaml_and_json(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    as_yaml = yaml.safe_load(response.content)
    as_json = client.get("/api/schema/?format=json").json()
    assert as_yaml == as_json
    assert as_json["openapi"].startswith("3.")
    assert as_json["info"]["title"] == "API d’Archipel"
    assert "Licence Ouverte" in as_json["info"]["description"]
    paths = as_json["paths"]
    for name in ENDPOINTS:
        assert f"/api/{name}/" in paths
    assert "/api/partenariats/{slug}/" in paths and "/api/adhesions/{slug}/" not in paths
    # Read-only: GET alone, with a French summary, and every error documented.
    for path, operations in paths.items():
        assert list(operations) == ["get"], path
        operation = operations["get"]
        assert operation["summary"][0].isupper()
        expected = {"200", "400", "404", "429"} if "{slug}" not in path else {"200", "404", "429"}
        assert set(operation["responses"]) == expected, path


def test_the_schema_has_the_pages_filters_with_their_choices(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    parameters = {p["name"]: p for p in paths["/api/partenariats/"]["get"]["parameters"]}
    assert {
        "type",
        "pays",
        "continent",
        "axe",
        "champ",
        "odd",
        "collectivite",
        "depuis_min",
        "depuis_max",
        "tri",
    } <= set(parameters)
    assert {"page", "page_size"} <= set(parameters)
    assert parameters["type"]["schema"]["enum"] == ["accord-de-cooperation", "convention", "jumelage"]
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert parameters["type"]["description"].startswith("Type")
    tri = parameters["tri"]["schema"]["items"]["enum"]
    assert {"partenaire", "-partenaire", "pays", "-pays", "depuis", "-depuis"} == set(tri)


def test_the_docs_page_loads_swagger_ui_from_our_own_files_with_nothing_inline(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html and "<script>" not in html and "style=" not in html
    assert "//cdn" not in html and "https://" not in html
    # The site's policy, unchanged.
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"] == "application/javascript"
    assert "/api/schema/" in script.content.decode()
    for path in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]:
        static = client.get(f"/static/drf_spectacular_sidecar/swagger-ui-dist/{path}")
        assert static.status_code == 200
        b"".join(static.streaming_content)
