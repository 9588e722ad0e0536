"""/preconisations/flux/: an Atom feed of the new visible préconisations and of each
official answer, announced on the list, cached like every anonymous page, in French and
under /en/ in English."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from proposals.models import Proposal, ProposalStatus
from proposals.services import proposal_answer
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = "/preconisations/flux/"


def parse_atom(response) -> ET.Element:
    """The feed, checked to hold what Atom requires of it and of each entry."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text, f"feed without {name}"
    assert feed.find(f"{ATOM}link").get("href").startswith("http")
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Archipel Citoyen"
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, f"entry without {name}"
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    return feed


def entries(feed) -> dict[str, ET.Element]:
    return {entry.find(f"{ATOM}title").text: entry for entry in feed.findall(f"{ATOM}entry")}


def test_it_is_valid_atom_with_each_new_visible_proposal(client):
    proposal = ProposalFactory(title="Des jumelages scolaires")

    feed = parse_atom(client.get(FEED_URL))

    assert feed.find(f"{ATOM}title").text == "Archipel Citoyen : préconisations et réponses officielles"
    entry = entries(feed)["Nouvelle préconisation : Des jumelages scolaires"]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver" + proposal.get_absolute_url()
    assert entry.find(f"{ATOM}id").text == f"tag:testserver,2026:preconisations/{proposal.pk}"
    assert "maison de l’Europe" in entry.find(f"{ATOM}summary").text
    assert len(feed.findall(f"{ATOM}entry")) <= 50


def test_its_entries_are_newest_first_and_at_most_fifty(client):
    ProposalFactory.create_batch(55)

    feed = parse_atom(client.get(FEED_URL))

    dates = [entry.find(f"{ATOM}updated").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(dates) == 50
    assert dates == sorted(dates, reverse=True)


def test_it_never_shows_a_hidden_proposal_nor_its_answer(client):
    hidden = ProposalFactory(title="Une préconisation masquée", is_hidden=True)
    proposal_answer(proposal=hidden, status=ProposalStatus.ADOPTED, answer="Réponse cachée.", notify=False)

    response = client.get(FEED_URL)

    parse_atom(response)
    assert "Une préconisation masquée".encode() not in response.content
    assert "Réponse cachée".encode() not in response.content


def test_an_official_answer_shows_at_once_though_the_feed_was_stored(client):
    proposal = ProposalFactory(title="Un budget pour la coopération")
    first = client.get(FEED_URL)
    assert "Réponse officielle : Un budget" not in first.content.decode()
    assert client.get(FEED_URL)["X-Page-Cache"] == "hit"

    proposal_answer(
        proposal=proposal, status=ProposalStatus.ADOPTED, answer="La Ville l’inscrit au budget.", notify=False
    )
    response = client.get(FEED_URL)

    assert response["X-Page-Cache"] == "miss"
    entry = entries(parse_atom(response))["Réponse officielle : Un budget pour la coopération"]
    proposal.refresh_from_db()
    assert entry.find(f"{ATOM}updated").text == proposal.answered_at.isoformat()
    assert entry.find(f"{ATOM}link").get("href").endswith(proposal.get_absolute_url() + "#reponse")
    assert "La Ville l’inscrit au budget." in entry.find(f"{ATOM}summary").text
    # The préconisation's own entry stays: one entry per event.
    assert "Nouvelle préconisation : Un budget pour la coopération" in entries(parse_atom(response))


def test_it_is_public_and_cacheable(client):
    response = client.get(FEED_URL)

    assert "public" in response["Cache-Control"]
    assert response["ETag"].startswith('"')
    assert not response.cookies
    assert client.get(FEED_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_it_is_in_english_under_en(client):
    proposal = ProposalFactory(title="School twinnings")
    proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Yes.", notify=False)

    response = client.get("/en" + FEED_URL)

    feed = parse_atom(response)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.find(f"{ATOM}link").get("href") == "http://testserver/en/preconisations/"
    links = {entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")}
    assert f"http://testserver/en/preconisations/{proposal.slug}/#reponse" in links
    assert "Adopted" in response.content.decode()  # the status, as English readers read it


def test_the_list_announces_it(client):
    response = client.get(reverse("proposals:proposal_list"))

    assert (
        b'<link rel="alternate" type="application/atom+xml" '
        b'title="Pr\xc3\xa9conisations et r\xc3\xa9ponses officielles (Atom)" href="/preconisations/flux/">'
    ) in response.content


def test_it_makes_a_fixed_number_of_queries(client, assert_constant_queries):
    def grow():
        for proposal in ProposalFactory.create_batch(30):
            proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.", notify=False)

    Proposal.objects.update(answered_at=None)
    # new préconisations, answers
    assert_constant_queries(lambda: client.get(FEED_URL), grow, 2)
