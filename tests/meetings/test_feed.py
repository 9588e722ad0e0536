"""The Atom feed of meetings, valid and announced."""

from xml.etree import ElementTree

import pytest

from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_published_meetings_as_atom(client):
    make_meeting(slug="publiee", title="Rencontre publiée")
    make_meeting(slug="brouillon", title="Rencontre en préparation", is_published=False)

    response = client.get("/rencontres/flux/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Archipel — rencontres publiques"
    assert feed.find(f"{ATOM}id") is not None and feed.find(f"{ATOM}updated") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Rencontre publiée"]
    [entry] = entries
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/rencontres/publiee/"
    assert entry.find(f"{ATOM}id") is not None and entry.find(f"{ATOM}updated") is not None


def test_the_meeting_pages_announce_the_feed(client):
    make_meeting()

    html = client.get("/rencontres/rencontre-jumelages/").content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/rencontres/flux/"' in html
