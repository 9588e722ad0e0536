"""The vote box's answers to htmx: every refusal is the box itself with its French
message, in the box and in the page's live region (out of band), and its own status;
without JavaScript the usual pages. Nothing is written."""

import pytest
from django.test import Client

from proposals.models import Proposal, ProposalStatus, Vote
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vote_url(proposal) -> str:
    return f"/preconisations/{proposal.slug}/vote/"


def assert_vote_box_says(response, message):
    html = response.content.decode()
    assert "<html" not in html and 'id="vote-box-' in html
    # Shown in the box, and written into the lasting live region of the page.
    assert f'<p class="form-errors" data-vote-error>{message}</p>' in html
    assert f'<p id="vote-status" hx-swap-oob="innerHTML">{message}</p>' in html


def test_over_the_rate_limit_htmx_gets_the_box_with_a_429(proposal, verified_citizen, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (1, 60)}
    client = _logged_in(verified_citizen)
    assert client.post(vote_url(proposal), {"value": "pour"}, **HTMX).status_code == 200

    response = client.post(vote_url(proposal), {"value": "contre"}, **HTMX)

    assert response.status_code == 429
    assert_vote_box_says(
        response, "Trop de votes en peu de temps : patientez une minute avant de recommencer."
    )
    assert list(Vote.objects.values_list("value", flat=True)) == ["pour"]


def test_over_the_rate_limit_without_javascript_the_429_page(proposal, verified_citizen, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (1, 60)}
    client = _logged_in(verified_citizen)
    client.post(vote_url(proposal), {"value": "pour"})

    response = client.post(vote_url(proposal), {"value": "contre"})

    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    assert list(Vote.objects.values_list("value", flat=True)) == ["pour"]


def test_closed_votes_htmx_gets_the_box_with_a_403(proposal, verified_citizen):
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.WITHDRAWN)

    response = _logged_in(verified_citizen).post(vote_url(proposal), {"value": "pour"}, **HTMX)

    assert response.status_code == 403
    assert_vote_box_says(response, "Les votes sont clos sur cette préconisation.")
    assert not Vote.objects.exists()


def test_an_unverified_citizen_htmx_gets_the_box_with_a_403(proposal, citizen):
    response = _logged_in(citizen).post(vote_url(proposal), {"value": "pour"}, **HTMX)

    assert response.status_code == 403
    assert "Vérifiez votre adresse e-mail pour participer" in response.content.decode()
    assert 'hx-swap-oob="innerHTML">Vérifiez votre adresse e-mail' in response.content.decode()
    assert not Vote.objects.exists()


def test_an_unverified_citizen_without_javascript_gets_the_403_page(proposal, citizen):
    response = _logged_in(citizen).post(vote_url(proposal), {"value": "pour"})

    assert response.status_code == 403
    assert "Action refusée" in visible_text(response)
    assert not Vote.objects.exists()


def test_a_bad_value_htmx_gets_the_box_with_a_400(proposal, verified_citizen):
    response = _logged_in(verified_citizen).post(vote_url(proposal), {"value": "peut-etre"}, **HTMX)

    assert response.status_code == 400
    assert_vote_box_says(response, "Un vote est « pour » ou « contre ».")
    assert not Vote.objects.exists()


def test_a_vote_that_went_through_leaves_the_error_line_hidden(proposal, verified_citizen):
    response = _logged_in(verified_citizen).post(vote_url(proposal), {"value": "pour"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="form-errors" data-vote-error hidden></p>' in html
    assert '<p id="vote-status" hx-swap-oob="innerHTML">Votre vote a été enregistré.</p>' in html
