"""The API filters like the pages, with the pages' own FilterSets: same parameters, same
results in the same order, and the same French message for a value it refuses (as a 400)."""

import pytest

from proposals import services
from proposals.models import Proposal, Topic

pytestmark = pytest.mark.django_db


def page_result(client, url):
    """The slugs of the list an HTML page shows, in order, and its total."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["result"].page
    return [row.slug for row in page.object_list], page.paginator.count


def api_result(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    data = response.json()
    return [row["slug"] for row in data["results"]], data["count"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "collectivite=toulouse&type=jumelage",
        "continent=afrique",
        "pays=ES&tri=-depuis",
        "collectivite=toulouse&depuis_min=1990&depuis_max=2005&tri=depuis",
        "collectivite=basse+NORMANDIE",
        "axe=transition-ecologique",
        "champ=cooperation-decentralisee&tri=-pays",
        "odd=11",
        "tri=-partenaire",
        "tri=pays,-depuis",  # the catalogue's sorts combine, comma-separated
    ],
)
def test_partnerships_filter_like_the_page(client, query):
    assert api_result(client, f"/api/partenariats/?{query}") == page_result(client, f"/partenariats/?{query}")


def test_the_second_page_is_the_page_second_page(client, partnership_factory, french_authority_factory):
    authority = french_authority_factory()
    partnership_factory.create_batch(25, french_authority=authority)
    query = f"collectivite={authority.slug}&tri=-depuis&page=2"
    second = api_result(client, f"/api/partenariats/?{query}")
    assert second == page_result(client, f"/partenariats/?{query}")
    assert len(second[0]) == 5 and second[1] == 25


@pytest.mark.parametrize(
    "query", ["", "type=reseau-de-villes&tri=-creation", "echelle=europeen", "q=eclairage", "adhesion=2008"]
)
def test_networks_filter_like_the_page(client, query):
    assert api_result(client, f"/api/reseaux/?{query}") == page_result(client, f"/reseaux/?{query}")


@pytest.mark.parametrize(
    "query", ["", "q=occitanie+cooperation", "lieu=haute-garonne", "champ=cooperation-decentralisee"]
)
def test_the_directory_filters_like_the_actors_page(client, query):
    assert api_result(client, f"/api/organisations/?annuaire=oui&{query}") == page_result(
        client, f"/acteurs/?{query}"
    )


@pytest.fixture
def participation(verified_user_factory):
    """Two more préconisations: one by a citizen with a vote, one with an étiquette."""
    citizen = verified_user_factory()
    topic = Topic.objects.get(is_home=True)
    tagged = Proposal.objects.create(
        topic=topic, title="Des jumelages verts", slug="jumelages-verts", body="…"
    )
    tagged.tags.add("jumelage")
    other = services.proposal_create(
        user=citizen, topic=topic, title="Un guichet européen", body="Aider les porteurs de projets."
    )
    services.vote_cast(proposal=other, user=citizen, value="pour")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "tri=soutien",
        "tri=commentees",
        "tri=debattues",
        "etiquette=jumelage",
        "q=guichet+europeen",
        "statut=publiee",
    ],
)
def test_proposals_filter_like_the_page(client, participation, query):
    assert api_result(client, f"/api/preconisations/?{query}") == page_result(
        client, f"/preconisations/?{query}"
    )


@pytest.mark.parametrize(
    "page_url, api_url",
    [
        ("/partenariats/?pays=ZZ", "/api/partenariats/?pays=ZZ"),
        ("/partenariats/?type=amitie", "/api/partenariats/?type=amitie"),
        ("/partenariats/?continent=lune", "/api/partenariats/?continent=lune"),
        ("/partenariats/?axe=inconnu", "/api/partenariats/?axe=inconnu"),
        ("/partenariats/?depuis_min=abc", "/api/partenariats/?depuis_min=abc"),
        ("/partenariats/?depuis_max=99999", "/api/partenariats/?depuis_max=99999"),
        ("/partenariats/?tri=hasard", "/api/partenariats/?tri=hasard"),
        ("/partenariats/?odd=42", "/api/partenariats/?odd=42"),
        ("/reseaux/?echelle=galactique", "/api/reseaux/?echelle=galactique"),
        ("/reseaux/?adhesion=1850", "/api/reseaux/?adhesion=1850"),
        ("/reseaux/?tri=au-hasard", "/api/reseaux/?tri=au-hasard"),
        ("/acteurs/?pays=ZZ", "/api/organisations/?pays=ZZ"),
        ("/acteurs/?activite=inconnue", "/api/organisations/?activite=inconnue"),
        ("/preconisations/?etiquette=inconnue", "/api/preconisations/?etiquette=inconnue"),
        ("/preconisations/?statut=perdue", "/api/preconisations/?statut=perdue"),
        ("/preconisations/?tri=hasard", "/api/preconisations/?tri=hasard"),
        # One sort at a time: each is served by its index.
        ("/preconisations/?tri=soutien,recentes", "/api/preconisations/?tri=soutien,recentes"),
    ],
)
def test_an_unknown_value_is_refused_with_the_page_message(client, page_url, api_url):
    page_errors = client.get(page_url).context["result"].filterset.errors
    response = client.get(api_url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["detail"] == "Filtres refusés : corrigez les valeurs signalées."
    assert data["errors"] == {name: list(messages) for name, messages in page_errors.items()}
    messages = " ".join(sum(data["errors"].values(), []))
    assert any(word in messages for word in ["choix", "valeur", "nombre", "existe"]), messages  # French


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/collectivites/?pays=ZZ", "pays"),
        ("/api/collectivites/?type=village", "type"),
        ("/api/organisations/?annuaire=peut-etre", "annuaire"),
        ("/api/adhesions/?reseau=inconnu", "reseau"),
        ("/api/adhesions/?collectivite=atlantide", "collectivite"),
        ("/api/adhesions/?organisation=inconnue", "organisation"),
        ("/api/adhesions/?pays=ZZ", "pays"),
        ("/api/partenariats/?pays=%00", "pays"),
        ("/api/reseaux/?q=" + "x" * 201, "q"),
    ],
)
def test_the_api_only_filters_refuse_unknown_values_too(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_an_empty_value_is_no_filter_as_in_the_pages_forms(client):
    assert api_result(client, "/api/partenariats/?type=&pays=&tri=") == api_result(
        client, "/api/partenariats/"
    )


def test_members_filter_by_country_of_the_authority_or_organisation(client):
    response = client.get("/api/adhesions/?pays=FR&page_size=100")
    rows = response.json()["results"]
    assert rows and all((row["authority"] or row["organisation"])["country"]["code"] == "FR" for row in rows)
    assert {"authority", "organisation"} == {
        "authority" if row["authority"] else "organisation" for row in rows
    }
