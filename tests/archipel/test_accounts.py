"""Accounts: allauth's real flows (sign-up, verification, log-in, log-out, password reset)
in the site's layout, and the citizen's own page /profil/ (name, lists, deleting the account)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from archipel.models import User
from mailing.models import Delivery, Message, MessageKind
from proposals.models import Comment, Proposal, Topic, Vote
from proposals.services import comment_delete, comment_post, vote_cast
from tests.factories import UserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"
NEW_PASSWORD = "Jumelage-Toulouse-1962!"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unverified_citizen(citizen):
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=False, primary=True)
    return citizen


@pytest.fixture
def make_proposal(db):
    topic = Topic.objects.get(is_home=True)
    counter = iter(range(1, 10_000))

    def make(author=None, **fields):
        n = next(counter)
        return Proposal.objects.create(
            topic=topic,
            slug=f"preconisation-d-essai-{n}",
            title=f"Préconisation d’essai {n}",
            body="Un texte de préconisation écrit pour les tests.",
            author=author,
            **fields,
        )

    return make


def logged_in(client, user):
    client.force_login(user)
    return client


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"https?://testserver({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


# Sign-up, verification, log-in, log-out, password ------------------------------------------


def test_it_shows_the_sign_up_page_in_the_site_layout_in_french(client):
    response = client.get("/comptes/signup/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Inscription" in text
    assert "Partenariats" in text and "Archipel Citoyen" in text  # our header and footer
    html = response.content.decode()
    assert 'class="button"' in html
    assert "css/archipel.css" in html


def test_it_signs_up_sends_a_verification_link_and_confirms_by_post(client, jobs):
    response = client.post(
        "/comptes/signup/",
        {"email": "Nouvelle@Example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="nouvelle@example.org")
    address = EmailAddress.objects.get(user=user)
    assert not address.verified
    assert not is_logged_in(client)  # verification is mandatory

    # Rendered in the request, recorded for one address, sent by the queue's job.
    assert Message.objects.get().kind == MessageKind.ACCOUNT
    assert Delivery.objects.get().address.lower() == "nouvelle@example.org"
    assert mail.outbox == []
    jobs.run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"] or message.to == ["Nouvelle@Example.org"]
    assert message.subject.startswith("[Archipel]")
    link = link_in(message, "/comptes/confirm-email/")

    # GET only shows the confirmation button (mail scanners follow links).
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmer" in visible_text(page)
    address.refresh_from_db()
    assert not address.verified

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    address.refresh_from_db()
    assert address.verified
    assert is_logged_in(client)  # same browser as the sign-up: logged in on confirmation


def test_it_refuses_a_sign_up_with_mismatched_passwords_in_french(client):
    response = client.post(
        "/comptes/signup/",
        {"email": "nouvelle@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "mot de passe" in visible_text(response).lower()
    assert not User.objects.filter(email="nouvelle@example.org").exists()
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_it_logs_in_by_email(client, verified_citizen):
    response = client.post("/comptes/login/", {"login": verified_citizen.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)
    assert int(client.session["_auth_user_id"]) == verified_citizen.pk


def test_it_refuses_a_wrong_password_in_french(client, verified_citizen):
    response = client.post("/comptes/login/", {"login": verified_citizen.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    assert "incorrect" in visible_text(response)
    assert not is_logged_in(client)


def test_it_rate_limits_failed_log_ins(client, verified_citizen):
    for _ in range(5):
        client.post("/comptes/login/", {"login": verified_citizen.email, "password": "pas-le-bon"})
    # allauth's limit: 5 failures per address in 5 minutes; even the right password waits.
    response = client.post("/comptes/login/", {"login": verified_citizen.email, "password": PASSWORD})
    assert "Trop de tentatives" in visible_text(response)
    assert not is_logged_in(client)


def test_it_does_not_log_in_an_unverified_address_but_sends_a_new_link(client, unverified_citizen, jobs):
    response = client.post("/comptes/login/", {"login": unverified_citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/comptes/confirm-email/"
    assert not is_logged_in(client)
    assert mail.outbox == []
    jobs.run()
    assert [message.to for message in mail.outbox] == [[unverified_citizen.email]]
    link_in(mail.outbox[0], "/comptes/confirm-email/")


def test_it_logs_out_only_by_post(client, verified_citizen):
    logged_in(client, verified_citizen)

    page = client.get("/comptes/logout/")
    assert page.status_code == 200
    assert "Se déconnecter" in visible_text(page)
    assert is_logged_in(client)  # a GET (a link, a prefetch) never logs out

    response = client.post("/comptes/logout/")
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_it_sends_a_password_reset_link_that_sets_a_new_password(client, verified_citizen, jobs):
    response = client.post("/comptes/password/reset/", {"email": verified_citizen.email})
    assert response.status_code == 302
    assert [d.address for d in Delivery.objects.filter(message__kind=MessageKind.ACCOUNT)] == [
        verified_citizen.email
    ]
    assert mail.outbox == []
    jobs.run()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [verified_citizen.email]
    link = link_in(mail.outbox[0], "/comptes/password/reset/key/")

    # allauth moves the key from the URL into the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    verified_citizen.refresh_from_db()
    assert verified_citizen.check_password(NEW_PASSWORD)


def test_it_says_nothing_about_unknown_addresses_on_password_reset(client):
    response = client.post("/comptes/password/reset/", {"email": "personne@example.org"})
    assert response.status_code == 302  # same answer as for a real account


def test_it_shows_the_email_management_page_in_the_layout(client, verified_citizen):
    response = logged_in(client, verified_citizen).get("/comptes/email/")
    assert response.status_code == 200
    text = visible_text(response)
    assert verified_citizen.email in text
    assert "Mon compte" in text and "Mot de passe" in text  # the account menu


# /profil/ -------------------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_log_in(client):
    for url in ["/profil/", "/profil/supprimer/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/login/?next=")


def test_it_tells_an_unverified_user_to_verify_before_taking_part(client, unverified_citizen):
    response = logged_in(client, unverified_citizen).get("/profil/")
    assert response.status_code == 200
    assert "Vérifiez votre adresse e-mail avant de participer" in visible_text(response)
    assert 'href="/comptes/email/"' in response.content.decode()


def test_it_does_not_nag_a_verified_user(client, verified_citizen):
    response = logged_in(client, verified_citizen).get("/profil/")
    assert "Vérifiez votre adresse" not in visible_text(response)


def test_it_lists_my_proposals_votes_and_comments_with_links(
    client, verified_citizen, verified_other_citizen, make_proposal
):
    mine = make_proposal(author=verified_citizen)
    theirs = make_proposal(author=verified_other_citizen)
    vote_cast(proposal=mine, user=verified_other_citizen, value="pour")
    vote_cast(proposal=theirs, user=verified_citizen, value="contre")
    kept = comment_post(proposal=theirs, user=verified_citizen, body="Un avis <b>argumenté</b>.")
    gone = comment_post(proposal=theirs, user=verified_citizen, body="Un avis regretté.")
    comment_delete(comment=gone, user=verified_citizen)

    response = logged_in(client, verified_citizen).get("/profil/")
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(response)
    assert f'href="/preconisations/{mine.slug}/"' in html
    assert f'href="/preconisations/{theirs.slug}/"' in html
    assert f'href="/preconisations/{theirs.slug}/#commentaire-{kept.pk}"' in html
    assert "Publiée" in text  # status of my proposal
    assert re.search(r'badge-contre">\s*Contre', html)  # my vote
    assert "Un avis &lt;b&gt;argumenté&lt;/b&gt;." in html  # user text escaped
    assert "Commentaire supprimé" in text
    assert "Un avis regretté" not in text
    assert "compte supprimé" in text  # the written statement
    assert 'href="/profil/supprimer/"' in html


def test_profile_uses_a_fixed_number_of_queries(
    client,
    verified_citizen,
    verified_other_citizen,
    make_proposal,
    assert_constant_queries,
    django_assert_max_num_queries,
):
    from cooperation.models import Partnership, Theme
    from evaluation.services import review_save

    partnerships = iter(Partnership.objects.order_by("pk"))
    themes = list(Theme.objects.all())

    def fill(n):
        for _ in range(n):
            mine = make_proposal(author=verified_citizen)
            theirs = make_proposal(author=verified_other_citizen)
            vote_cast(proposal=theirs, user=verified_citizen, value="pour")
            comment_post(proposal=theirs, user=verified_citizen, body="Un commentaire.")
            vote_cast(proposal=mine, user=verified_other_citizen, value="contre")
        for _ in range(min(n, 8)):
            review_save(
                author=verified_citizen,
                partnership=next(partnerships),
                scores={theme: 3 for theme in themes},
                comment="Un avis.",
            )

    logged_in(client, verified_citizen)
    # session, user, verified address, authenticator app, then COUNT + page for proposals,
    # votes, comments, and COUNT + page + scores with their axes for reviews of partnerships
    fill(2)
    response = assert_constant_queries(lambda: client.get("/profil/"), lambda: fill(28), 14)
    text = visible_text(response)
    assert "(30)" in text
    assert "Mes avis sur les partenariats (10)" in text
    assert "Transition écologique : 3/5" in text
    with django_assert_max_num_queries(14):
        response = client.get("/profil/?p_votes=2&p_commentaires=3&p_avis=2")
    assert response.status_code == 200
    # Each list's page links change its own parameter and keep the other lists' positions.
    html = response.content.decode()
    assert 'href="?p_votes=3&amp;p_commentaires=3&amp;p_avis=2#mes-votes"' in html
    assert 'href="?p_votes=2&amp;p_commentaires=2&amp;p_avis=2#mes-commentaires"' in html


def test_it_changes_my_display_name(client, verified_citizen):
    response = logged_in(client, verified_citizen).post(
        "/profil/nom/", {"display_name": "  Jeanne   Dupont "}
    )
    assert response.status_code == 302
    assert response["Location"] == "/profil/"
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == "Jeanne Dupont"


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Indiquez le nom à afficher."),
        ("   ", "Indiquez le nom à afficher."),
        ("x" * 61, "au plus 60 caractères"),
        ("Compte supprimé", "Ce nom est réservé"),
    ],
)
def test_it_refuses_a_bad_display_name_and_writes_nothing(client, verified_citizen, name, message):
    verified_citizen.display_name = "Ancien nom"
    verified_citizen.save()
    response = logged_in(client, verified_citizen).post("/profil/nom/", {"display_name": name})
    assert response.status_code == 400
    assert message in visible_text(response)
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == "Ancien nom"


def test_it_changes_the_display_name_only_by_post(client, verified_citizen):
    response = logged_in(client, verified_citizen).get("/profil/nom/?display_name=Piratée")
    assert response.status_code == 405
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == ""


# Deleting the account -------------------------------------------------------------------------


@pytest.fixture
def participation(verified_citizen, verified_other_citizen, make_proposal):
    """The citizen wrote a proposal, voted on two, commented on another's."""
    mine = make_proposal(author=verified_citizen)
    theirs = make_proposal(author=verified_other_citizen)
    vote_cast(proposal=mine, user=verified_citizen, value="pour")
    vote_cast(proposal=mine, user=verified_other_citizen, value="pour")
    vote_cast(proposal=theirs, user=verified_citizen, value="contre")
    vote_cast(proposal=theirs, user=verified_other_citizen, value="pour")
    comment = comment_post(proposal=theirs, user=verified_citizen, body="Je ne suis pas d’accord.")
    reply = comment_post(proposal=theirs, user=verified_other_citizen, body="Pourquoi ?", parent=comment)
    return {"mine": mine, "theirs": theirs, "comment": comment, "reply": reply}


def assert_nothing_deleted(user, participation):
    assert User.objects.filter(pk=user.pk).exists()
    assert Vote.objects.filter(user=user).count() == 2
    participation["mine"].refresh_from_db()
    participation["theirs"].refresh_from_db()
    assert (participation["mine"].votes_for, participation["mine"].votes_against) == (2, 0)
    assert (participation["theirs"].votes_for, participation["theirs"].votes_against) == (1, 1)
    assert Comment.objects.get(pk=participation["comment"].pk).author_id == user.pk


def test_it_shows_what_is_kept_and_deleted_and_deletes_nothing_on_get(
    client, verified_citizen, participation
):
    response = logged_in(client, verified_citizen).get("/profil/supprimer/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Supprimé, définitivement" in text and "Conservé, sans votre nom" in text
    assert "compte supprimé" in text and "recalculés" in text
    assert is_logged_in(client)
    assert_nothing_deleted(verified_citizen, participation)


@pytest.mark.parametrize("typed", ["", "quelquun@example.org", "citoyenne"])
def test_it_refuses_a_wrong_confirmation_and_writes_nothing(client, verified_citizen, participation, typed):
    response = logged_in(client, verified_citizen).post("/profil/supprimer/", {"confirmation": typed})
    assert response.status_code == 400
    text = visible_text(response)
    assert "rien n’a été supprimé" in text or "Saisissez votre adresse e-mail" in text
    assert is_logged_in(client)
    assert_nothing_deleted(verified_citizen, participation)


def test_it_deletes_the_account_removes_votes_and_keeps_texts_without_a_name(
    client, verified_citizen, verified_other_citizen, participation
):
    pk = verified_citizen.pk
    response = logged_in(client, verified_citizen).post(
        "/profil/supprimer/", {"confirmation": f"  {verified_citizen.email.upper()} "}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_logged_in(client)

    assert not User.objects.filter(pk=pk).exists()
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Vote.objects.filter(user_id=pk).exists()
    mine, theirs = participation["mine"], participation["theirs"]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    # The counters follow the rows: only the other citizen's votes are left.
    assert (mine.votes_for, mine.votes_against) == (1, 0)
    assert (theirs.votes_for, theirs.votes_against) == (1, 0)
    # The proposal and the comment stay, without a name; the reply keeps its parent.
    assert mine.author_id is None and not mine.is_official
    comment = Comment.objects.get(pk=participation["comment"].pk)
    assert comment.author_id is None and comment.body == "Je ne suis pas d’accord."
    assert Comment.objects.get(pk=participation["reply"].pk).parent_id == comment.pk
    # The other citizen is untouched.
    assert Vote.objects.filter(user=verified_other_citizen).count() == 2

    home = client.get(response["Location"])
    assert "Votre compte a été supprimé" in visible_text(home)


def test_it_deletes_an_account_without_email_by_its_username(client, db):
    user = UserFactory(username="sans-adresse", email="")
    response = logged_in(client, user).post("/profil/supprimer/", {"confirmation": "sans-adresse"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_it_protects_deleting_and_renaming_with_csrf(verified_citizen, participation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(verified_citizen)
    response = client.post("/profil/supprimer/", {"confirmation": verified_citizen.email})
    assert response.status_code == 403
    assert_nothing_deleted(verified_citizen, participation)
    response = client.post("/profil/nom/", {"display_name": "Piratée"})
    assert response.status_code == 403
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == ""

    # With the token from the page, the same request goes through.
    page = client.get("/profil/supprimer/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        "/profil/supprimer/", {"confirmation": verified_citizen.email, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=verified_citizen.pk).exists()
