"""A refused or failed vote, in a real browser with JavaScript: htmx would drop the error
answer; the message shows in the vote box and in the page's live region instead."""

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from proposals import services
from proposals.models import Proposal, ProposalStatus, Vote
from tests.factories import VerifiedUserFactory

from .a11y import log_in


@pytest.fixture
def proposal_page(site, page):
    """A verified citizen on an official proposal's page, its vote box ready."""
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    log_in(page, site.url, VerifiedUserFactory(username="votes-refuses", display_name="Sacha"))
    page.goto(site.url + proposal.get_absolute_url())
    page.proposal = proposal
    return page


def test_a_vote_over_the_rate_limit_says_so_in_the_live_region(proposal_page, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (1, 60)}
    box = proposal_page.locator(".vote-box")
    box.get_by_role("button", name="Pour").click()
    expect(box.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "true")

    box.get_by_role("button", name="Contre").click()

    message = "Trop de votes en peu de temps : patientez une minute avant de recommencer."
    live_region = proposal_page.locator("#vote-status")
    expect(live_region).to_have_text(message)
    expect(live_region).to_have_attribute("aria-live", "polite")
    expect(box.locator("[data-vote-error]")).to_be_visible()
    expect(box.locator("[data-vote-error]")).to_have_text(message)
    expect(box.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "true")
    assert list(Vote.objects.values_list("value", flat=True)) == ["pour"]


def test_a_vote_closed_meanwhile_says_so_in_the_live_region(proposal_page):
    Proposal.objects.filter(pk=proposal_page.proposal.pk).update(status=ProposalStatus.WITHDRAWN)

    proposal_page.locator(".vote-box").get_by_role("button", name="Pour").click()

    expect(proposal_page.locator("#vote-status")).to_have_text("Les votes sont clos sur cette préconisation.")
    expect(proposal_page.locator(".vote-box")).to_contain_text("Les votes sont clos.")
    assert not Vote.objects.exists()


def test_a_vote_during_a_database_outage_says_so_in_the_live_region(proposal_page, monkeypatch):
    def outage(**kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(services, "vote_cast", outage)
    box = proposal_page.locator(".vote-box")

    box.get_by_role("button", name="Pour").click()

    message = "Le site ne peut pas lire ses données pour le moment. Réessayez dans une minute."
    expect(proposal_page.locator("#vote-status")).to_have_text(message)
    expect(box.locator("[data-vote-error]")).to_have_text(message)
    # The box stays: the buttons are there to try again.
    expect(box.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.exists()


def test_an_unreachable_site_says_so_in_the_live_region(proposal_page):
    proposal_page.route("**/vote/", lambda route: route.abort("connectionrefused"))

    proposal_page.locator(".vote-box").get_by_role("button", name="Pour").click()

    expect(proposal_page.locator("#vote-status")).to_contain_text("Le site ne répond pas")
    assert not Vote.objects.exists()
