"""The newsletter through HTTP: sign up from the footer, confirm by e-mail, unsubscribe in
one click; the same neutral answer for every address, one e-mail an hour at most (sent
by the queue's jobs, never inside the request), and refused input that writes nothing."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from mailing.models import Delivery, Message, MessageKind
from newsletter import tokens
from newsletter.models import Subscription
from tests.archipel.test_html import assert_valid
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

ADDRESS = "Camille.Martin@Example.org"
NEUTRAL = "Si cette adresse peut recevoir nos nouvelles, un courriel de confirmation vient de lui être envoyé"


@pytest.fixture
def sign_up(client, jobs):
    """POST the footer form as a browser would; then, with `send`, the queue's jobs run
    as a worker would, and the e-mails are in mail.outbox."""

    def sign_up(email=ADDRESS, *, on=client, send=True, language_prefix="", **extra):
        extra.setdefault("HTTP_ORIGIN", "http://testserver")  # as every browser sends it
        url = f"{language_prefix}/nouvelles/inscription/"
        response = on.post(url, {"email": email}, follow=True, **extra)
        if send:
            jobs.run()
        return response

    return sign_up


def link_in(message, kind: str) -> str:
    """The path of the `kind` link ("confirmer" or "desinscription") of an e-mail."""
    url = re.search(rf"\S+/nouvelles/{kind}/\S+/", message.body).group(0)
    assert url.startswith(settings.SITE_URL + "/"), url
    return urlsplit(url).path


def row(email=ADDRESS):
    return Subscription.objects.filter(email_hash=tokens.email_hash(email)).first()


@pytest.fixture
def confirmed(sign_up, client):
    """ADDRESS, signed up and confirmed some hours ago; the outbox emptied."""
    sign_up()
    confirm_path = link_in(mail.outbox[0], "confirmer")
    client.post(confirm_path)
    mail.outbox.clear()
    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=3))
    subscription = row()
    subscription.confirm_path = confirm_path
    return subscription


# Signing up ------------------------------------------------------------------------------


def test_it_signs_up_confirms_and_stores_the_address_only_once_confirmed(sign_up, client):
    response = sign_up()

    assert response.redirect_chain == [("/nouvelles/", 302)]
    assert NEUTRAL in visible_text(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille.martin@example.org"]
    assert message.subject == "Confirmez votre inscription aux nouvelles d’Archipel"
    pending = row()
    assert pending.email == "" and pending.confirmed_at is None and pending.language == "fr"
    assert "camille" not in str(Subscription.objects.values().get()).lower()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page = client.get(link_in(message, "confirmer"))
    assert page.status_code == 200
    assert "Confirmer mon inscription" in visible_text(page)
    assert row().confirmed_at is None  # a GET (a mail scanner) confirms nothing

    response = client.post(link_in(message, "confirmer"))
    assert response.status_code == 200
    assert "Inscription confirmée" in visible_text(response)
    subscription = row()
    assert subscription.email == "camille.martin@example.org"
    assert subscription.confirmed_at is not None


def test_the_confirmation_is_recorded_with_the_sign_up_and_sent_by_the_queue(sign_up, jobs):
    response = sign_up(send=False)

    assert NEUTRAL in visible_text(response)
    assert mail.outbox == []  # the request talks to no mail server
    [message] = Message.objects.filter(kind=MessageKind.NEWSLETTER)
    assert message.template == "newsletter/email/confirm"
    assert [(d.address, d.language) for d in Delivery.objects.all()] == [("camille.martin@example.org", "fr")]
    assert [name for _id, name, args in jobs.queued() if args.get("message_id") == message.pk] == [
        "mailing.send"
    ]

    assert jobs.run() == 1
    assert [m.to for m in mail.outbox] == [["camille.martin@example.org"]]
    assert link_in(mail.outbox[0], "confirmer")


def test_confirming_twice_is_harmless(confirmed, client):
    first_confirmation = confirmed.confirmed_at

    response = client.post(confirmed.confirm_path)

    assert response.status_code == 200
    assert "Inscription confirmée" in visible_text(response)
    assert row().confirmed_at == first_confirmation
    assert Subscription.objects.count() == 1
    assert "Inscription confirmée" in visible_text(client.get(confirmed.confirm_path))


def test_it_sends_one_mail_an_hour_to_an_address_however_often_it_is_given(sign_up):
    sign_up()
    sign_up("  camille.martin@example.org ")
    sign_up(ADDRESS.upper())

    assert len(mail.outbox) == 1
    assert Subscription.objects.count() == 1
    assert Delivery.objects.count() == 1  # nothing else recorded either

    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(minutes=61))
    sign_up()

    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[1], "confirmer")


def test_the_hour_is_counted_from_the_clock(sign_up, monkeypatch):
    sign_up()
    later = timezone.now() + timedelta(minutes=59)
    monkeypatch.setattr(timezone, "now", lambda: later)
    sign_up()
    assert len(mail.outbox) == 1

    much_later = later + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: much_later)
    sign_up()
    assert len(mail.outbox) == 2


def test_it_gives_the_same_answer_for_a_new_a_pending_and_a_confirmed_address(sign_up, confirmed):
    new = visible_text(sign_up("nouvelle@example.org"))
    pending = visible_text(sign_up("nouvelle@example.org"))
    already = visible_text(sign_up(ADDRESS))

    assert NEUTRAL in new
    assert new == pending == already


def test_a_confirmed_address_gets_no_confirmation_link_only_a_notice_an_hour(sign_up, confirmed):
    sign_up()
    sign_up()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Vous êtes déjà inscrit aux nouvelles d’Archipel"
    assert "/nouvelles/confirmer/" not in mail.outbox[0].body
    assert link_in(mail.outbox[0], "desinscription")
    assert row().confirmed_at == confirmed.confirmed_at


def test_it_writes_to_the_address_in_the_language_of_the_sign_up(sign_up, client):
    sign_up(language_prefix="/en")  # the form of an English page

    assert row().language == "en"
    assert Delivery.objects.get().language == "en"  # rendered in English by the worker
    # The strings are translated by the lead; the English catalogue may not hold them yet.
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Indiquez votre adresse e-mail."),
        ("camille", "Cette adresse e-mail n’est pas valide"),
        ("camille@", "Cette adresse e-mail n’est pas valide"),
        ("a@b@example.org", "Cette adresse e-mail n’est pas valide"),
        ("x" * 250 + "@example.org", "Une adresse e-mail compte au plus 254 caractères."),
    ],
)
def test_a_bad_address_is_refused_with_a_french_message_and_nothing_written(sign_up, email, message):
    response = sign_up(email)

    assert response.status_code == 400
    text = visible_text(response)
    assert message in text
    assert NEUTRAL not in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert Subscription.objects.count() == 0
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_the_refused_page_is_valid_html_with_one_form(sign_up):
    response = sign_up("pas-une-adresse")

    html = response.content.decode()
    assert html.count('id="newsletter-email"') == 1
    assert 'value="pas-une-adresse"' in html
    assert_valid(response, "/nouvelles/ (erreur)")


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://ailleurs.example"},
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
        {"HTTP_REFERER": "https://ailleurs.example/page/"},
        {"HTTP_ORIGIN": "https://testserver"},  # same host, other scheme
    ],
)
def test_sign_up_from_another_site_is_refused_with_a_french_message(jobs, headers):
    """The form holds no CSRF token (pages are the same for every visitor); a page of
    another site posting it is refused on the browser's Origin (or Referer)."""
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post("/nouvelles/inscription/", {"email": ADDRESS}, **headers)
    jobs.run()

    assert refused.status_code == 403
    assert "Ce formulaire ne peut être envoyé que depuis une page de ce site." in visible_text(refused)
    assert Subscription.objects.count() == 0
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_sign_up_is_a_post_from_the_site_itself_without_a_token(jobs, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://archipel.example.org"]
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/nouvelles/inscription/").status_code == 405
    for headers in [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/partenariats/"},
        {"HTTP_ORIGIN": "https://archipel.example.org"},  # the site's public address behind a proxy
        {},  # neither: not a browser, so no visitor's cookies ride with it
    ]:
        response = browser.post("/nouvelles/inscription/", {"email": ADDRESS}, **headers)
        assert response.status_code == 302, headers
    jobs.run()
    assert Subscription.objects.count() == 1


def test_sign_ups_are_rate_limited_per_visitor_with_a_french_page(sign_up, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"subscribe": (2, 3600)}
    sign_up("une@example.org")
    sign_up("deux@example.org")

    response = sign_up("trois@example.org")

    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    assert row("trois@example.org") is None
    assert sorted(m.to[0] for m in mail.outbox) == ["deux@example.org", "une@example.org"]


# Confirmation links ----------------------------------------------------------------------


def test_an_expired_confirmation_link_is_explained_and_writes_nothing(sign_up, client):
    sign_up()
    path = link_in(mail.outbox[0], "confirmer")
    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=7, minutes=1))

    for response in [client.get(path), client.post(path)]:
        assert response.status_code == 400
        assert "Ce lien de confirmation a expiré : il est valable 7 jours." in visible_text(response)
    assert row().confirmed_at is None and row().email == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_confirmation_link_is_refused_and_writes_nothing(sign_up, client, method):
    sign_up()
    path = link_in(mail.outbox[0], "confirmer")
    # The links of before (the address, signed), still well signed.
    old_style = signing.dumps(ADDRESS.lower(), salt="archipel.newsletter.confirm")

    for bad in [
        path[:-3] + "x/",
        path[:-2] + "/",
        "/nouvelles/confirmer/n-importe-quoi/",
        f"/nouvelles/confirmer/{old_style}/",
    ]:
        response = getattr(client, method)(bad)
        assert response.status_code == 400, bad
        assert "Ce lien n’est pas valide" in visible_text(response)
    assert row().confirmed_at is None and row().email == ""


def test_a_superseded_confirmation_link_no_longer_works(sign_up, client):
    sign_up()
    first = link_in(mail.outbox[0], "confirmer")
    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=2))
    sign_up()  # an hour later: a new link
    second = link_in(mail.outbox[1], "confirmer")

    assert first != second
    assert client.post(first).status_code == 400
    assert row().confirmed_at is None
    assert client.post(second).status_code == 200
    assert row().email == ADDRESS.lower()


def test_a_confirmation_link_of_a_sign_up_withdrawn_since_confirms_nothing(sign_up, client):
    sign_up()
    message = mail.outbox[0]
    client.post(link_in(message, "desinscription"))

    response = client.post(link_in(message, "confirmer"))

    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in visible_text(response)
    assert Subscription.objects.count() == 0


def test_confirming_needs_csrf(sign_up):
    sign_up()
    response = Client(enforce_csrf_checks=True).post(link_in(mail.outbox[0], "confirmer"))

    assert response.status_code == 403
    assert row().confirmed_at is None


# Unsubscribing ---------------------------------------------------------------------------


def test_the_unsubscribe_link_shows_a_button_and_only_the_post_unsubscribes(confirmed, client):
    path = f"/nouvelles/desinscription/{tokens.unsubscribe_token(confirmed.email_hash)}/"

    page = client.get(path)
    assert page.status_code == 200
    assert "Me désinscrire" in visible_text(page)
    assert f'action="{path}"' in page.content.decode()
    assert row() is not None

    response = client.post(path)
    assert response.status_code == 200
    assert "Vous êtes désinscrit" in visible_text(response)
    assert Subscription.objects.count() == 0

    for again in [client.get(path), client.post(path)]:
        assert again.status_code == 200
        assert "Vous n’êtes pas (ou plus) inscrit" in visible_text(again)


def test_one_click_unsubscribe_works_without_a_csrf_cookie_rfc_8058(confirmed):
    path = f"/nouvelles/desinscription/{tokens.unsubscribe_token(confirmed.email_hash)}/"
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Subscription.objects.count() == 0


def test_a_tampered_unsubscribe_link_is_refused_and_deletes_nothing(confirmed, client):
    token = tokens.unsubscribe_token(confirmed.email_hash)
    # A confirmation link's token does not unsubscribe either.
    confirmation = confirmed.confirm_path.split("/")[3]
    for bad in [token[:-2] + "zz", "n-importe-quoi", confirmation]:
        for response in [
            client.get(f"/nouvelles/desinscription/{bad}/"),
            client.post(f"/nouvelles/desinscription/{bad}/"),
        ]:
            assert response.status_code == 400, bad
            assert "Ce lien n’est pas valide" in visible_text(response)
    assert Subscription.objects.count() == 1


def test_every_message_carries_the_unsubscribe_link_and_headers(sign_up, confirmed):
    sign_up("autre@example.org")
    sign_up(ADDRESS)  # the "déjà inscrit" notice

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        path = link_in(message, "desinscription")
        assert message.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{path}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.message()["List-Unsubscribe"] == f"<{settings.SITE_URL}{path}>"


def test_the_unsubscribe_link_of_the_confirmation_mail_removes_the_pending_sign_up(sign_up, client):
    sign_up()

    response = client.post(link_in(mail.outbox[0], "desinscription"))

    assert "Vous êtes désinscrit" in visible_text(response)
    assert Subscription.objects.count() == 0


# Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/partenariats/", "/comptes/login/", "/reseaux/", "/cette-page-n-existe-pas/"]
)
def test_the_footer_form_is_on_every_page(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert html.count('id="newsletter-email"') == 1, url
    assert 'action="/nouvelles/inscription/"' in html
    assert "Recevoir les nouvelles d’Archipel" in visible_text(response)
    # No per-visitor token in the footer: pages are the same for every visitor.
    assert 'name="csrfmiddlewaretoken"' not in html[html.index('class="newsletter-form"') :]


def test_the_footer_form_signs_up_from_an_allauth_page(jobs):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/comptes/login/").content.decode()
    assert "csrfmiddlewaretoken" in page  # the log-in form's own token
    form = page[page.index('class="newsletter-form"') :]
    assert "csrfmiddlewaretoken" not in form

    response = browser.post(
        "/nouvelles/inscription/", {"email": ADDRESS}, follow=True, HTTP_ORIGIN="http://testserver"
    )
    assert mail.outbox == []
    jobs.run()

    assert response.status_code == 200
    assert NEUTRAL in visible_text(response)
    assert [m.to for m in mail.outbox] == [["camille.martin@example.org"]]


def test_the_error_pages_still_render(client):
    from django.test import RequestFactory

    from archipel.views import server_error

    # 500: rendered without a request (the database may be down): no form without CSRF.
    assert 'id="newsletter-email"' not in server_error(RequestFactory().get("/")).content.decode()
    assert client.get("/cette-page-n-existe-pas/").status_code == 404


def test_the_newsletter_pages_are_valid_html(sign_up, client):
    assert_valid(client.get("/nouvelles/"), "/nouvelles/")
    sign_up()
    message = mail.outbox[0]
    for kind in ["confirmer", "desinscription"]:
        response = client.get(link_in(message, kind))
        assert response.status_code == 200
        assert_valid(response, kind)
    assert_valid(client.post(link_in(message, "confirmer")), "confirmée")
    assert_valid(client.post(link_in(message, "desinscription")), "désinscrit")
    assert_valid(client.get("/nouvelles/confirmer/faux/"), "lien non valable")


def test_the_newsletter_pages_keep_a_fixed_number_of_queries(
    sign_up, client, citizen, django_assert_max_num_queries
):
    sign_up()
    confirm, unsubscribe = (link_in(mail.outbox[0], kind) for kind in ["confirmer", "desinscription"])
    # /nouvelles/: none; a link: the subscription by its hash.
    for url, expected in [("/nouvelles/", 0), (confirm, 1), (unsubscribe, 1)]:
        with django_assert_max_num_queries(expected):
            assert client.get(url).status_code == 200
    client.force_login(citizen)
    # + the session and the user of a signed-in visitor
    for url, expected in [("/nouvelles/", 2), (confirm, 3), (unsubscribe, 3)]:
        with django_assert_max_num_queries(expected):
            assert client.get(url).status_code == 200


def test_signing_up_keeps_a_fixed_number_of_queries(sign_up, django_assert_max_num_queries):
    # savepoint, insert-or-nothing, claim, read, the new link's token hash and sealed
    # address; recording the e-mail: savepoint, the message, the delivery, the job,
    # release; release; then the redirected page
    with django_assert_max_num_queries(11):
        sign_up(send=False)
    assert Delivery.objects.count() == 1
