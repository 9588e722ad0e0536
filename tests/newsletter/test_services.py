"""The newsletter services: what each write stores, bulletins sent once, the purge, and
one e-mail for many simultaneous sign-ups (real threads on the real PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from newsletter import services, tokens
from newsletter.models import Bulletin, Subscription
from tests.proposals.test_services import _run_at_once

pytestmark = pytest.mark.django_db


def subscribe(email, *, confirmed=True, language="fr"):
    """A subscription as the views leave it, the e-mails dropped."""
    services.subscription_request(email=email, language=language)
    if confirmed:
        services.subscription_confirm(email=email)
    return Subscription.objects.get(email_hash=tokens.email_hash(email))


def test_the_hash_is_keyed_and_ignores_case_and_spaces(settings):
    digest = tokens.email_hash(" Camille@Example.org ")

    assert digest == tokens.email_hash("camille@example.org")
    assert len(digest) == 64 and "camille" not in digest
    settings.NEWSLETTER_HASH_KEY = "une-autre-cle"
    assert tokens.email_hash("camille@example.org") != digest


def test_a_pending_sign_up_stores_the_hash_only():
    subscription = subscribe("camille@example.org", confirmed=False)

    assert subscription.email == ""
    assert subscription.confirmed_at is None
    assert subscription.confirmation_sent_at is not None


def test_the_database_refuses_an_address_on_a_pending_row():
    with pytest.raises(IntegrityError):
        Subscription.objects.create(email_hash="x" * 64, email="camille@example.org")


def test_the_mail_leaves_only_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.subscription_request(email="camille@example.org", language="fr") is True

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_the_purge_deletes_pending_sign_ups_whose_link_is_dead():
    old = subscribe("ancienne@example.org", confirmed=False)
    recent = subscribe("recente@example.org", confirmed=False)
    kept = subscribe("abonnee@example.org")
    eight_days_ago = timezone.now() - timedelta(days=8)
    Subscription.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=eight_days_ago, confirmation_sent_at=eight_days_ago
    )

    assert services.subscriptions_purge() == 1
    assert set(Subscription.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert services.subscriptions_purge() == 0


def test_the_purge_command_says_how_many(capsys):
    pending = subscribe("ancienne@example.org", confirmed=False)
    Subscription.objects.filter(pk=pending.pk).update(confirmation_sent_at=timezone.now() - timedelta(days=8))

    call_command("purge_newsletter")

    assert "1 inscription(s) non confirmée(s) supprimée(s)." in capsys.readouterr().out
    assert Subscription.objects.count() == 0


# Bulletins -------------------------------------------------------------------------------


@pytest.fixture
def bulletin(db):
    return Bulletin.objects.create(
        subject="Les nouvelles de novembre", body="Trois jumelages fêtent leurs 60 ans."
    )


def test_a_bulletin_goes_to_each_confirmed_subscriber_once(bulletin, django_capture_on_commit_callbacks):
    subscribe("une@example.org")
    subscribe("deux@example.org", language="en")
    subscribe("en-attente@example.org", confirmed=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.bulletin_send(bulletin=bulletin) == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["deux@example.org", "une@example.org"]
    for message in mail.outbox:
        assert message.subject == "Les nouvelles de novembre"
        assert message.body.startswith("Trois jumelages fêtent leurs 60 ans.")
        assert "/nouvelles/desinscription/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    bulletin.refresh_from_db()
    assert bulletin.sent_at is not None and bulletin.recipient_count == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="Ce bulletin a déjà été envoyé."):
            services.bulletin_send(bulletin=bulletin)
    assert mail.outbox == []


def test_one_refused_address_does_not_stop_the_others(
    bulletin, django_capture_on_commit_callbacks, monkeypatch
):
    subscribe("une@example.org")
    subscribe("refusee@example.org")
    subscribe("trois@example.org")
    mail.outbox.clear()
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refusing(self, messages):
        if messages[0].to == ["refusee@example.org"]:
            raise OSError("550 boîte inconnue")
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)

    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=bulletin)

    assert len(mail.outbox) == 2
    bulletin.refresh_from_db()
    assert bulletin.recipient_count == 2


# Concurrency (real threads, real PostgreSQL) --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_sign_ups_of_one_address_send_one_mail():
    results = []

    def sign_up():
        results.append(services.subscription_request(email="Camille@example.org", language="fr"))

    errors = _run_at_once([sign_up] * 8)

    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_bulletin_sent_from_two_places_at_once_leaves_once():
    subscribe("une@example.org")
    mail.outbox.clear()
    bulletin = Bulletin.objects.create(subject="Double clic", body="Une seule fois.")

    errors = _run_at_once([lambda: services.bulletin_send(bulletin=bulletin)] * 4)

    assert len(errors) == 3 and all(isinstance(error, ValidationError) for error in errors)
    assert len(mail.outbox) == 1
