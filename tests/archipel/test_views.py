import pytest
from django.db import DatabaseError

from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def test_it_shows_the_topic_on_the_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Coopération européenne et internationale" in text
    for heading in ["Nos objectifs", "Notre diagnostic", "Le vrai bilan du maire", "Nos sources"]:
        assert heading in text
    for axis in [
        "Transition écologique",
        "Démarche démocratique",
        "Justice sociale et solidarité",
        "Vivre en commun",
    ]:
        assert axis in text
    assert "Hanoï" in text  # the mayor's record
    assert 'href="http://www.euroregio.eu/fr"' in response.content.decode()


def test_it_counts_the_catalogue_live(client, partnership_factory):
    text = visible_text(client.get("/"))
    assert "13 villes partenaires" in text
    assert "15 réseaux de villes" in text
    from cooperation.models import LocalAuthority

    partnership_factory(french_authority=LocalAuthority.objects.get(slug="toulouse"))
    assert "14 villes partenaires" in visible_text(client.get("/"))


def test_it_links_into_the_catalogue(client):
    html = client.get("/").content.decode()
    assert 'href="/partenariats/toulouse-hanoi/"' in html
    assert 'href="/reseaux/"' in html


def test_home_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # topic, themes, sources, partnerships, network count, member count, préconisations
    with django_assert_max_num_queries(7):
        client.get("/")


def test_health_answers_200_when_the_database_answers(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True, "queue": True}


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connexion perdue")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_it_answers_404_in_the_site_layout(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    text = visible_text(response)
    assert "Page introuvable" in text and "Partenariats" in text


def test_it_answers_500_in_the_site_layout(client, settings):
    from django.test import RequestFactory

    from archipel.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_pages_load_nothing_from_other_hosts(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    assert "cdn" not in html.lower() and "googleapis" not in html


def test_the_legal_page_says_what_is_kept(client):
    response = client.get("/mentions-legales/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Mentions légales et confidentialité" in text
    assert "Personne d’autre que vous ne voit qui a voté quoi" in text
    assert 'href="/mentions-legales/"' in client.get("/").content.decode()
