"""/partenariats/<slug>/flux/: an Atom feed of a partnership's actions, yearly
assessments and the changes of its public history (the role, never a name), announced on
the partnership's page."""

import datetime

import pytest
from django.core.cache import caches
from django.urls import reverse

from core.history import HistoryRole, acting_as
from evaluation.models import PartnershipAction, PartnershipAssessment
from tests.factories import PartnershipFactory
from tests.proposals.test_feeds import ATOM, entries, parse_atom

pytestmark = pytest.mark.django_db


def feed_url(partnership, prefix=""):
    return prefix + reverse("evaluation:partnership_feed", args=[partnership.slug])


def add_action(partnership, title="Échange de lycéens"):
    return PartnershipAction.objects.create(
        partnership=partnership, title=title, year=2024, outcomes_here="Trente lycéens accueillis."
    )


def add_assessment(partnership, year=2024):
    return PartnershipAssessment.objects.create(
        partnership=partnership,
        year=year,
        published_on=datetime.date(year + 1, 3, 15),
        achievements="Échanges scolaires et missions techniques.",
    )


def test_it_shows_an_action_an_assessment_and_a_change_with_its_role(client, partnership, staff_user):
    action = add_action(partnership)
    assessment = add_assessment(partnership)
    partnership.status = "en-sommeil"
    partnership._history_user = staff_user  # as the admin records it: the role is shown, not the name
    partnership.save()

    response = client.get(feed_url(partnership))

    feed = parse_atom(response)
    shown = entries(feed)
    page = "http://testserver" + partnership.get_absolute_url()
    action_entry = shown["Action : 2024 : Échange de lycéens"]
    assert action_entry.find(f"{ATOM}link").get("href") == page + "#evaluation"
    assert action_entry.find(f"{ATOM}id").text == (
        f"tag:testserver,2026:partenariats/{partnership.pk}/actions/{action.pk}"
    )
    assert "Trente lycéens accueillis." in action_entry.find(f"{ATOM}summary").text
    assessment_entry = shown["Bilan 2024"]
    assert assessment_entry.find(f"{ATOM}updated").text.startswith("2025-03-15")
    assert assessment_entry.find(f"{ATOM}id").text.endswith(f"/bilans/{assessment.pk}")
    change = shown["Modification : Partenariat"]
    assert change.find(f"{ATOM}link").get("href") == "http://testserver" + reverse(
        "cooperation:partnership_history", args=[partnership.slug]
    )
    summary = change.find(f"{ATOM}summary").text
    assert "Par : Équipe" in summary
    assert "Statut : Actif → En sommeil" in summary
    assert staff_user.username not in response.content.decode()
    assert staff_user.email not in response.content.decode()
    title = feed.find(f"{ATOM}title").text
    assert title == (
        f"Partenariat {partnership.french_authority.localized_name} – "
        f"{partnership.partner.localized_name} : actions, bilans et modifications"
    )


def test_its_entries_are_newest_first_with_stable_ids(client, partnership):
    add_assessment(partnership, 2020)
    with acting_as(HistoryRole.IMPORT):
        add_action(partnership)

    first = parse_atom(client.get(feed_url(partnership)))
    caches["pages"].clear()  # built again: the same ids
    again = parse_atom(client.get(feed_url(partnership)))

    ids = [entry.find(f"{ATOM}id").text for entry in first.findall(f"{ATOM}entry")]
    assert ids == [entry.find(f"{ATOM}id").text for entry in again.findall(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)
    dates = [entry.find(f"{ATOM}updated").text for entry in first.findall(f"{ATOM}entry")]
    assert dates == sorted(dates, reverse=True)
    assert "Création : Action « 2024 : Échange de lycéens »" in entries(first)


def test_it_is_at_most_fifty_entries(client, partnership):
    for number in range(30):
        add_action(partnership, title=f"Action {number}")

    feed = parse_atom(client.get(feed_url(partnership)))

    # 30 actions and their 30 creations in the history, and the partnership's creation
    assert len(feed.findall(f"{ATOM}entry")) == 50


def test_an_unknown_partnership_is_a_404(client):
    assert client.get("/partenariats/nulle-part/flux/").status_code == 404


def test_the_partnership_page_announces_it(client, partnership):
    response = client.get(partnership.get_absolute_url())

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Actions, bilans et modifications du partenariat (Atom)" '
        f'href="/partenariats/{partnership.slug}/flux/">'
    ) in response.content.decode()


def test_it_is_public_cacheable_and_fresh_after_a_change(client, partnership):
    response = client.get(feed_url(partnership))
    assert "public" in response["Cache-Control"] and response["ETag"].startswith('"')
    assert client.get(feed_url(partnership))["X-Page-Cache"] == "hit"

    add_action(partnership, title="Mission technique sur l’eau")

    fresh = client.get(feed_url(partnership))
    assert fresh["X-Page-Cache"] == "miss"
    assert "Action : 2024 : Mission technique sur l’eau" in entries(parse_atom(fresh))


def test_it_is_in_english_under_en(client, partnership):
    add_action(partnership)

    feed = parse_atom(client.get(feed_url(partnership, "/en")))

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.find(f"{ATOM}link").get("href") == f"http://testserver/en/partenariats/{partnership.slug}/"
    texts = {entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")}
    assert any(text.endswith("Partnership") for text in texts), texts  # the history's own words


def test_it_makes_a_fixed_number_of_queries(client, partnership, assert_constant_queries):
    other = PartnershipFactory()
    add_action(partnership)
    add_assessment(partnership, 2020)

    def grow():
        for number in range(20):
            add_action(partnership, title=f"Action {number}")
        for year in range(2010, 2020):
            add_assessment(partnership, year)
        add_action(other, title="Ailleurs")  # another partnership's: not in this feed

    # partnership, actions, assessments; history (core.history.history_page): count,
    # index, then per kind of row on the page: assessments, actions, the partnership and
    # its four many-to-many fields (sources, themes, action fields, SDGs). Never more:
    # a page without one kind makes fewer.
    response = assert_constant_queries(lambda: client.get(feed_url(partnership)), grow, 12)
    assert "Ailleurs" not in response.content.decode()
