"""Anonymous pages: the same for every visitor, kept by any cache, fresh after every write
(core.pagecache)."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from core import pagecache
from proposals.models import Proposal
from tests.cooperation.test_import_twinnings import HEADER
from tests.factories import PASSWORD
from tests.pages import visible_text
from tests.proposals.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/",
    "/partenariats/",
    "/partenariats/?pays=ES&tri=-depuis",
    "/partenariats/toulouse-bologne/",
    "/reseaux/",
    "/reseaux/aeropostale/",
    "/preconisations/",
    "PROPOSAL",
    "/evaluation/",
    "/acteurs/",
    "/donnees/",
    "/nouvelles/",
    "/mentions-legales/",
    "/api/partenariats/",
    "/api/reseaux/aeropostale/",
    "/en/",
    "/en/partenariats/",
    "/en/preconisations/",
]


@pytest.fixture
def url(request):
    if request.param == "PROPOSAL":
        return Proposal.objects.filter(is_official=True).first().get_absolute_url()
    return request.param


def cache_control(response) -> dict:
    directives = {}
    for directive in response.get("Cache-Control", "").split(","):
        name, _, value = directive.strip().partition("=")
        directives[name] = value
    return directives


@pytest.mark.parametrize("url", ANONYMOUS_PAGES, indirect=True)
def test_an_anonymous_page_holds_nothing_personal_and_any_cache_may_keep_it(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies, f"{url} sets {list(response.cookies)}"
    assert b"csrfmiddlewaretoken" not in response.content
    assert cache_control(response) == {"public": "", "max-age": "60", "stale-while-revalidate": "60"}
    assert response["ETag"].startswith('"')
    vary = response.get("Vary", "").lower()
    assert "cookie" not in vary and "accept-language" not in vary


@pytest.mark.parametrize("url", ANONYMOUS_PAGES, indirect=True)
def test_a_stored_page_is_served_without_a_single_query(client, url, django_assert_num_queries):
    built = client.get(url)
    assert built["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        stored = client.get(url)

    assert stored["X-Page-Cache"] == "hit"
    assert stored.content == built.content
    assert stored["ETag"] == built["ETag"]
    assert stored["Content-Type"] == built["Content-Type"]
    assert stored["Content-Security-Policy"] == built["Content-Security-Policy"]
    assert not stored.cookies


def test_a_conditional_get_answers_304_whether_the_page_is_built_or_stored(client):
    etag = client.get("/reseaux/")["ETag"]
    caches["pages"].clear()  # the next answer is built again: the same ETag

    built = client.get("/reseaux/", HTTP_IF_NONE_MATCH=etag)
    stored = client.get("/reseaux/", HTTP_IF_NONE_MATCH=etag)
    other = client.get("/reseaux/", HTTP_IF_NONE_MATCH='"autre"')

    assert built.status_code == stored.status_code == 304
    assert built.content == stored.content == b""
    assert stored["ETag"] == etag and "public" in stored["Cache-Control"]
    assert other.status_code == 200 and other.content


def test_each_address_and_language_is_a_page_of_its_own(client):
    french = client.get("/partenariats/")
    filtered = client.get("/partenariats/?pays=ES")
    english = client.get("/en/partenariats/")

    assert {french["X-Page-Cache"], filtered["X-Page-Cache"], english["X-Page-Cache"]} == {"miss"}
    assert len({french["ETag"], filtered["ETag"], english["ETag"]}) == 3
    assert "Barcelona" in visible_text(client.get("/en/partenariats/?pays=ES"))
    assert "Barcelone" in visible_text(client.get("/partenariats/?pays=ES"))


@pytest.mark.parametrize("url", ["/sante/", "/vie/", "/admin/"])
def test_probes_and_the_admin_never_touch_the_page_cache(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url)
    assert "X-Page-Cache" not in response
    assert not any("archipel_pages" in query["sql"] for query in captured.captured_queries)
    assert caches["pages"].get(pagecache.GENERATION_KEY) is None  # not even looked up


def test_answers_other_than_200_are_not_stored(client):
    assert client.get("/cette-page-n-existe-pas/").status_code == 404
    again = client.get("/cette-page-n-existe-pas/")
    assert again.status_code == 404 and "X-Page-Cache" not in again
    assert "public" not in again.get("Cache-Control", "")
    assert client.get("/partenariats").status_code == 301  # the slash redirect, not stored either
    assert "X-Page-Cache" not in client.get("/partenariats")


# Personal answers ------------------------------------------------------------------------------


def test_a_signed_in_page_is_private_and_never_taken_from_the_anonymous_copy(client, verified_citizen):
    anonymous = client.get("/preconisations/")
    assert "Se connecter" in visible_text(anonymous)

    client.force_login(verified_citizen)
    personal = client.get("/preconisations/")

    assert "X-Page-Cache" not in personal
    assert cache_control(personal) == {"private": "", "no-store": ""}
    assert "Se déconnecter" in visible_text(personal) and "csrfmiddlewaretoken" in personal.content.decode()
    # ...and it was not stored for the next anonymous visitor.
    assert "Se déconnecter" not in visible_text(Client().get("/preconisations/"))


def test_a_page_with_a_message_for_its_visitor_is_built_for_them(client):
    client.get("/nouvelles/")  # stored
    response = client.post(
        "/nouvelles/inscription/",
        {"email": "camille@example.org"},
        follow=True,
        HTTP_ORIGIN="http://testserver",
    )
    assert "un courriel de confirmation" in visible_text(response)
    assert "X-Page-Cache" not in response
    assert "un courriel de confirmation" not in visible_text(client.get("/nouvelles/"))


def test_a_page_that_sets_a_cookie_is_private(client):
    response = client.get("/comptes/login/")
    assert "csrftoken" in response.cookies
    assert {"private", "no-store"} <= set(cache_control(response))
    assert "X-Page-Cache" not in client.get("/comptes/login/")


def test_signing_in_and_out_clear_the_browsers_copies_of_the_site(client, verified_citizen):
    """A browser may keep an anonymous page 60 s: after signing in, the same address must
    show the signed-in page, not that copy."""
    signed_in = client.post("/comptes/login/", {"login": verified_citizen.email, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content
    assert signed_in["Clear-Site-Data"] == '"cache"'

    signed_out = client.post("/comptes/logout/")
    assert signed_out.status_code == 302
    assert signed_out["Clear-Site-Data"] == '"cache"'


# Fresh after every write -----------------------------------------------------------------------


def test_a_vote_shows_at_once_on_the_anonymous_pages(client, proposal, verified_citizen):
    page = proposal.get_absolute_url()
    anonymous = Client()
    before = anonymous.get(page)
    assert anonymous.get(page)["X-Page-Cache"] == "hit"
    assert anonymous.get("/preconisations/")["X-Page-Cache"] == "miss"

    client.force_login(verified_citizen)
    assert client.post(f"{page}vote/", {"value": "pour"}).status_code == 302

    after = anonymous.get(page)
    assert after["X-Page-Cache"] == "miss" and after["ETag"] != before["ETag"]
    assert "1 pour" in visible_text(after)
    assert anonymous.get("/preconisations/")["X-Page-Cache"] == "miss"


def test_a_comment_shows_at_once_on_the_anonymous_page(client, proposal, verified_citizen):
    page = proposal.get_absolute_url()
    anonymous = Client()
    anonymous.get(page)

    client.force_login(verified_citizen)
    client.post(
        f"{page}commentaires/", {"body": "Une ville jumelle de plus, pourquoi pas.", "alignment": "pour"}
    )

    assert "Une ville jumelle de plus, pourquoi pas." in visible_text(anonymous.get(page))


def test_an_admin_edit_shows_at_once_on_the_anonymous_pages(staff_client, proposal):
    page = proposal.get_absolute_url()
    anonymous = Client()
    anonymous.get(page)
    anonymous.get("/en/preconisations/")

    response = staff_client.post(
        f"/admin/proposals/proposal/{proposal.pk}/change/",
        _change_form_data(proposal, notify=False, title="Un titre revu par l’équipe"),
    )
    assert response.status_code == 302

    assert "Un titre revu par l’équipe" in visible_text(anonymous.get(page))
    assert "Un titre revu par l’équipe" in visible_text(anonymous.get("/en/preconisations/"))


def test_an_import_shows_at_once_on_the_anonymous_pages(client, tmp_path):
    assert "Vimmerby" not in visible_text(client.get("/partenariats/?pays=SE"))
    path = tmp_path / "jumelages.csv"
    path.write_text(f"{HEADER}\nAlbi,FR,43.93,2.15,Vimmerby,SE,57.67,15.86\n", encoding="utf-8")

    call_command("import_twinnings", str(path), verbosity=0)

    assert "Vimmerby" in visible_text(client.get("/partenariats/?pays=SE"))


def test_a_write_outside_the_content_keeps_the_stored_pages(client):
    """A newsletter sign-up (and the e-mail it queues) changes no page."""
    anonymous = Client()
    anonymous.get("/reseaux/")
    client.post("/nouvelles/inscription/", {"email": "camille@example.org"}, HTTP_ORIGIN="http://testserver")
    assert anonymous.get("/reseaux/")["X-Page-Cache"] == "hit"


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "archipel_pages",
        },
    }
)
def test_without_redis_a_stored_page_costs_one_query_the_caches(client, django_assert_num_queries):
    """The production default without REDIS_URL: pages are kept in PostgreSQL."""
    call_command("createcachetable", verbosity=0)
    client.get("/reseaux/")
    with django_assert_num_queries(1) as captured:
        stored = client.get("/reseaux/")
    assert stored["X-Page-Cache"] == "hit"
    assert "archipel_pages" in captured.captured_queries[0]["sql"]


# The commit rule -------------------------------------------------------------------------------


@pytest.fixture
def at_commit(monkeypatch):
    """Writes count when they commit, as outside the tests (tests/conftest.py makes them
    count at once in the tests' never-committed transactions)."""
    monkeypatch.setattr(pagecache.changes, "at_once", False)
    call_command("load_catalogue", verbosity=0)  # transactional tests start from a flush


def generation():
    return caches["pages"].get(pagecache.GENERATION_KEY)


@pytest.mark.django_db(transaction=True)
def test_a_write_makes_pages_out_of_date_when_it_commits(client, at_commit):
    client.get("/reseaux/")
    stored = generation()
    proposal = Proposal.objects.first()

    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(title="Avant la validation")
        assert generation() == stored  # others do not see the change yet
    assert generation() != stored
    assert client.get("/reseaux/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_changes_nothing_and_the_next_one_counts(client, at_commit):
    client.get("/reseaux/")
    stored = generation()
    proposal = Proposal.objects.first()

    with pytest.raises(RuntimeError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(title="Annulé")
        raise RuntimeError
    assert generation() == stored
    assert client.get("/reseaux/")["X-Page-Cache"] == "hit"

    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint rolled back: its callback goes with it
                Proposal.objects.filter(pk=proposal.pk).update(title="Annulé")
                raise RuntimeError
        except RuntimeError:
            pass
        Proposal.objects.filter(pk=proposal.pk).update(title="Gardé")
    assert generation() != stored


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_counts_at_once(client, at_commit):
    client.get("/reseaux/")
    stored = generation()
    Proposal.objects.filter(pk=Proposal.objects.first().pk).update(title="Tout de suite")
    assert generation() != stored
