"""The newsletter services: what each write stores, the e-mails recorded with it (sent
by the queue's jobs), bulletins sent once, the purge, and one e-mail for many
simultaneous sign-ups (real threads on the real PostgreSQL)."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from mailing.models import Delivery, DeliveryState, Message, MessageKind
from newsletter import services, tokens
from newsletter.models import Bulletin, Subscription
from tests.jobs import queued_jobs, run_jobs
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db


def subscribe(email, *, confirmed=True, language="fr"):
    """A subscription as the views leave it, the e-mails dropped (the confirmation
    message is deleted: its send job, left in the queue, finds nothing to send)."""
    last = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    services.subscription_request(email=email, language=language)
    sent = Message.objects.filter(pk__gt=last, kind=MessageKind.NEWSLETTER)
    (message,) = sent
    sent.delete()
    if confirmed:
        token = message.context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
        services.subscription_confirm(token=token)
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


def test_the_mail_is_recorded_with_the_sign_up_and_leaves_with_the_job(jobs):
    assert services.subscription_request(email="Camille@example.org", language="fr") is True

    [message] = Message.objects.all()
    assert message.kind == MessageKind.NEWSLETTER
    [delivery] = message.deliveries.all()
    assert (delivery.address, delivery.state) == ("camille@example.org", DeliveryState.PENDING)
    assert [name for _id, name, args in jobs.queued() if args.get("message_id") == message.pk] == [
        "mailing.send"
    ]
    assert mail.outbox == []  # nothing leaves before the job runs

    jobs.run()

    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_a_rolled_back_sign_up_records_no_mail_and_no_job(jobs):
    queued_before = jobs.queued()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.subscription_request(email="camille@example.org", language="fr")
        assert Message.objects.exists() and len(jobs.queued()) == len(queued_before) + 1
        raise RuntimeError

    assert not Subscription.objects.exists()
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()
    assert jobs.queued() == queued_before
    jobs.run()
    assert mail.outbox == []


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


def test_a_bulletin_goes_to_each_confirmed_subscriber_once(bulletin, jobs):
    subscribe("une@example.org")
    subscribe("deux@example.org", language="en")
    subscribe("en-attente@example.org", confirmed=False)
    jobs.run()  # the dropped confirmation e-mails' jobs
    assert mail.outbox == []

    assert services.bulletin_send(bulletin=bulletin) == 2

    # Marked sent with its message and the fan-out job; recipients are listed by the job.
    bulletin.refresh_from_db()
    assert bulletin.sent_at is not None
    [recorded] = Message.objects.filter(kind=MessageKind.BULLETIN)
    assert recorded.target == bulletin
    assert [name for _id, name, args in jobs.queued() if args.get("message_id") == recorded.pk] == [
        "newsletter.bulletin_fan_out"
    ]
    assert mail.outbox == []
    jobs.run()

    assert sorted(message.to[0] for message in mail.outbox) == ["deux@example.org", "une@example.org"]
    for message in mail.outbox:
        assert message.subject == "Les nouvelles de novembre"
        assert message.body.startswith("Trois jumelages fêtent leurs 60 ans.")
        assert "/nouvelles/desinscription/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sorted(recorded.deliveries.values_list("address", "language", "state")) == [
        ("deux@example.org", "en", DeliveryState.SENT),
        ("une@example.org", "fr", DeliveryState.SENT),
    ]
    bulletin.refresh_from_db()
    assert bulletin.sent_at is not None and bulletin.recipient_count == 2

    mail.outbox.clear()
    with pytest.raises(ValidationError, match="Ce bulletin a déjà été envoyé."):
        services.bulletin_send(bulletin=bulletin)
    jobs.run()
    assert mail.outbox == []
    assert Message.objects.filter(kind=MessageKind.BULLETIN).count() == 1


def test_a_bulletin_fan_out_run_twice_tells_each_subscriber_once(bulletin, jobs):
    from newsletter.tasks import bulletin_fan_out

    subscribe("une@example.org")
    services.bulletin_send(bulletin=bulletin)
    [message] = Message.objects.filter(kind=MessageKind.BULLETIN)

    jobs.run()
    assert bulletin_fan_out(message_id=message.pk) == 0
    jobs.run()

    assert [m.to for m in mail.outbox] == [["une@example.org"]]
    bulletin.refresh_from_db()
    assert bulletin.recipient_count == 1


def test_one_refused_address_does_not_stop_the_others(bulletin, jobs, monkeypatch):
    # The SMTP side (codes, retries, lost connections) is tested in tests/mailing/; here,
    # a bulletin whose second recipient the server refuses still reaches the third.
    subscribe("une@example.org")
    subscribe("refusee@example.org")
    subscribe("trois@example.org")
    jobs.run()
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refusing(self, messages):
        if messages[0].to == ["refusee@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"refusee@example.org": (550, b"5.1.1 boite inconnue")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)

    services.bulletin_send(bulletin=bulletin)
    jobs.run()

    assert sorted(m.to[0] for m in mail.outbox) == ["trois@example.org", "une@example.org"]
    refused = Delivery.objects.get(address="refusee@example.org")
    assert refused.state == DeliveryState.FAILED
    assert "550" in refused.last_error
    bulletin.refresh_from_db()
    assert bulletin.recipient_count == 3  # addressed to three; the deliveries tell who got it


# Concurrency (real threads, real PostgreSQL) --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_sign_ups_of_one_address_send_one_mail():
    results = []

    def sign_up():
        results.append(services.subscription_request(email="Camille@example.org", language="fr"))

    _, errors = run_at_once([sign_up] * 8)

    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert Subscription.objects.count() == 1
    # Committed by the threads: one message, one delivery, one job.
    [message] = Message.objects.all()
    assert list(Delivery.objects.values_list("address", flat=True)) == ["camille@example.org"]
    assert [name for _id, name, args in queued_jobs() if args.get("message_id") == message.pk] == [
        "mailing.send"
    ]
    assert mail.outbox == []
    run_jobs()  # also leaves no job behind for the tests that follow (the queue is not flushed)
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_a_bulletin_sent_from_two_places_at_once_leaves_once():
    subscribe("une@example.org")
    run_jobs()
    bulletin = Bulletin.objects.create(subject="Double clic", body="Une seule fois.")

    _, errors = run_at_once([lambda: services.bulletin_send(bulletin=bulletin)] * 4)

    assert len(errors) == 3 and all(isinstance(error, ValidationError) for error in errors)
    [message] = Message.objects.filter(kind=MessageKind.BULLETIN)
    assert [name for _id, name, args in queued_jobs() if args.get("message_id") == message.pk] == [
        "newsletter.bulletin_fan_out"
    ]
    run_jobs()
    assert list(Delivery.objects.values_list("address", flat=True)) == ["une@example.org"]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["une@example.org"], "Double clic")]
