"""A citizen's e-mail preferences in /profil/, and the one-click unsubscribe link that
every answer and moderation e-mail carries (RFC 8058)."""

import pytest
from django.core import mail

from mailing.services import unsubscribe_token
from proposals.models import ProposalStatus, VoteValue
from proposals.services import moderation_hide, proposal_answer, vote_cast

pytestmark = pytest.mark.django_db


def _unsubscribe_url(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    return header.strip("<>").removeprefix("http://127.0.0.1:8000")


def test_the_profile_shows_the_preferences_and_saves_them(citizen_client, citizen):
    page = citizen_client.get("/profil/")
    assert page.status_code == 200
    assert "Recevoir les réponses officielles" in page.text

    response = citizen_client.post("/profil/courriels/", {"email_moderation": "on"})

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.email_answers, citizen.email_moderation) == (False, True)


def test_preferences_need_a_signed_in_user(client, citizen):
    response = client.post("/profil/courriels/", {})

    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    citizen.refresh_from_db()
    assert citizen.email_answers is True


def test_the_answer_mail_links_to_the_preferences_and_unsubscribes_in_one_click(
    client, jobs, proposal_factory, verified_citizen
):
    proposal = proposal_factory(is_official=True)
    vote_cast(proposal=proposal, user=verified_citizen, value=VoteValue.FOR)
    proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.")
    jobs.run()
    [message] = mail.outbox
    assert "/profil/#courriels" in message.body
    url = _unsubscribe_url(message)
    assert url in message.body

    # A mail scanner following the link changes nothing.
    page = client.get(url)
    assert page.status_code == 200
    assert "réponses officielles" in page.text
    verified_citizen.refresh_from_db()
    assert verified_citizen.email_answers is True

    # The mail client's one-click POST (no CSRF token, no session) turns answers off.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    verified_citizen.refresh_from_db()
    assert (verified_citizen.email_answers, verified_citizen.email_moderation) == (False, True)

    # The next answer does not reach them.
    mail.outbox.clear()
    proposal_answer(proposal=proposal, status=ProposalStatus.UNDER_STUDY, answer="À l’étude.")
    jobs.run()
    assert mail.outbox == []


def test_the_moderation_mail_unsubscribes_from_moderation_mails_only(
    client, jobs, proposal_factory, verified_citizen
):
    proposal = proposal_factory(author=verified_citizen)
    moderation_hide(target=proposal, reason="Hors sujet.")
    jobs.run()
    [message] = mail.outbox
    assert "Hors sujet." in message.body

    client.post(_unsubscribe_url(message))

    verified_citizen.refresh_from_db()
    assert (verified_citizen.email_answers, verified_citizen.email_moderation) == (True, False)


@pytest.mark.parametrize("token", ["abc", "WzEsImFuc3dlcnMiXQ:1xWEIw:forged"])
def test_a_forged_or_damaged_link_is_refused_and_writes_nothing(client, citizen, token):
    for method in (client.get, client.post):
        response = method(f"/profil/courriels/desabonner/{token}/")
        assert response.status_code == 400
        assert "Lien invalide" in response.text
    citizen.refresh_from_db()
    assert citizen.email_answers is True


def test_a_link_for_an_unknown_topic_is_refused(client, citizen):
    response = client.post(
        f"/profil/courriels/desabonner/{unsubscribe_token(user_id=citizen.pk, topic='x')}/"
    )

    assert response.status_code == 400


def test_a_link_signed_with_another_key_is_refused(client, citizen, settings):
    settings.SECRET_KEY = "archipel-insecure-development-key"
    token = unsubscribe_token(user_id=citizen.pk, topic="answers")
    settings.SECRET_KEY = "une-autre-cle-secrete-de-test-0123456789-abcdefghijklmnopqrstuvwxyz"

    assert client.post(f"/profil/courriels/desabonner/{token}/").status_code == 400
    citizen.refresh_from_db()
    assert citizen.email_answers is True
