"""What moderation hides stays hidden, and edits are rate-limited like posts.

- No reply under a hidden comment (the predicate refuses it, not only the template).
- A hidden préconisation's title is hidden everywhere the public reads it: its page's
  <title>, breadcrumb and <h1>, the lists, the API, the open data, the e-mails to voters.
  Its author and staff still read it on its page.
- Editing a comment or a préconisation is rate-limited ("comment_edit", "proposal_edit"):
  without it, 80 edits in 1.2 s went through, around the comment limit.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from proposals import services
from proposals.models import Comment, ProposalStatus
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

TITLE = "Un titre injurieux que la modération a masqué"
NEUTRAL = "Préconisation masquée par la modération"
REASON = "Propos injurieux envers un élu."


@pytest.fixture
def proposal__title():
    return TITLE


@pytest.fixture
def proposal__author(author):
    return author


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def hidden(proposal):
    services.moderation_hide(target=proposal, reason=REASON)
    proposal.refresh_from_db()
    return proposal


# A reply to a hidden comment ----------------------------------------------------------------


def test_a_reply_to_a_hidden_comment_is_refused_and_nothing_is_written(proposal, author, voter):
    comment = services.comment_post(proposal=proposal, user=author, body="Premier avis.")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True, hidden_reason=REASON)

    response = _client(voter).post(
        f"/preconisations/{proposal.slug}/commentaires/", {"body": "Je réponds.", "parent": comment.pk}
    )

    assert response.status_code == 400
    assert "On ne répond qu’à un commentaire de premier niveau" in visible_text(response)
    assert not Comment.objects.filter(body="Je réponds.").exists()


# A hidden préconisation's title -------------------------------------------------------------


def _head_and_heading(response) -> tuple[str, str, str]:
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    breadcrumb = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group(0)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    return title, breadcrumb, heading


@pytest.mark.parametrize("who", ["anonymous", "voter", "other_voter"])
def test_the_public_never_reads_a_hidden_title_on_its_page(request, hidden, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = _client(user).get(hidden.get_absolute_url())

    assert response.status_code == 200
    assert TITLE not in response.content.decode()
    title, breadcrumb, heading = _head_and_heading(response)
    assert NEUTRAL in title and NEUTRAL in breadcrumb and NEUTRAL in heading
    assert REASON in visible_text(response)


@pytest.mark.parametrize("who", ["author", "staff_user"])
def test_its_author_and_staff_still_read_it(request, hidden, who):
    response = _client(request.getfixturevalue(who)).get(hidden.get_absolute_url())
    title, breadcrumb, heading = _head_and_heading(response)
    assert TITLE in title and TITLE in heading
    assert REASON in visible_text(response)


def test_a_hidden_title_is_in_no_list_api_or_open_data(client, hidden):
    for url in ["/", "/preconisations/", "/api/preconisations/", "/donnees/preconisations.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert TITLE not in response.content.decode(), url
    assert client.get(f"/api/preconisations/{hidden.slug}/").status_code == 404


def test_editing_a_comment_under_a_hidden_proposal_does_not_show_its_title(proposal, voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="Mon avis.")
    services.moderation_hide(target=proposal, reason=REASON)

    response = _client(voter).get(f"/preconisations/commentaires/{comment.pk}/modifier/")

    assert response.status_code == 200
    assert TITLE not in response.content.decode()
    assert NEUTRAL in visible_text(response)


def test_the_answer_e_mail_to_voters_does_not_give_a_hidden_title(hidden, voter, jobs):
    hidden.is_hidden = False
    hidden.save(update_fields=["is_hidden"])
    services.vote_cast(proposal=hidden, user=voter, value="pour")
    hidden.is_hidden = True
    hidden.save(update_fields=["is_hidden"])

    services.proposal_answer(proposal=hidden, status=ProposalStatus.REJECTED, answer="Hors du champ.")
    jobs.run()

    [to_voter] = [message for message in mail.outbox if message.to == [voter.email]]
    assert TITLE not in to_voter.subject and TITLE not in to_voter.body
    assert NEUTRAL in to_voter.subject and NEUTRAL in to_voter.body


# Edits are rate-limited ---------------------------------------------------------------------


def test_comment_edits_are_rate_limited_with_a_french_page(settings, proposal, voter):
    settings.ARCHIPEL_RATE_LIMITS = {"comment_edit": (3, 60)}
    comment = services.comment_post(proposal=proposal, user=voter, body="Version 0.")
    client = _client(voter)
    url = f"/preconisations/commentaires/{comment.pk}/modifier/"
    for n in range(1, 4):
        assert client.post(url, {"body": f"Version {n}.", "alignment": ""}).status_code == 302

    response = client.post(url, {"body": "Version 4.", "alignment": ""})

    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    comment.refresh_from_db()
    assert comment.body == "Version 3."
    assert client.get(url).status_code == 200  # reading the form is not counted


def test_comment_edits_do_not_escape_the_limit_with_many_quick_requests(proposal, voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="Version 0.")
    client = _client(voter)
    url = f"/preconisations/commentaires/{comment.pk}/modifier/"
    statuses = [client.post(url, {"body": f"Version {n}.", "alignment": ""}).status_code for n in range(30)]
    assert statuses.count(302) == 10 and statuses.count(429) == 20  # the default: 10 a minute
    comment.refresh_from_db()
    assert comment.body == "Version 9."


def test_proposal_edits_are_rate_limited_with_a_french_page(settings, verified_citizen):
    settings.ARCHIPEL_RATE_LIMITS = {"proposal_edit": (2, 3600)}
    client = _client(verified_citizen)
    from proposals.models import Topic

    own = services.proposal_create(
        user=verified_citizen,
        topic=Topic.objects.get(is_home=True),
        title="Des échanges scolaires avec chaque ville jumelle",
        body="Première version.",
    )
    url = f"/preconisations/{own.slug}/modifier/"
    for n in (1, 2):
        data = {"title": own.title, "body": f"Version {n}.", "tags": "", "themes": []}
        assert client.post(url, data).status_code == 302

    response = client.post(url, {"title": own.title, "body": "Version 3.", "tags": "", "themes": []})

    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    own.refresh_from_db()
    assert own.body == "Version 2."


def test_a_citizens_own_lists_do_not_show_a_hidden_title_they_did_not_write(proposal, author, voter):
    services.vote_cast(proposal=proposal, user=voter, value="pour")
    services.comment_post(proposal=proposal, user=voter, body="Mon avis sur ce texte.")
    services.moderation_hide(target=proposal, reason=REASON)

    profile = visible_text(_client(voter).get("/profil/"))
    assert TITLE not in profile
    assert profile.count(NEUTRAL) == 2  # "mes votes" and "mes commentaires"
    assert TITLE in visible_text(_client(author).get("/profil/"))  # the author still sees it
