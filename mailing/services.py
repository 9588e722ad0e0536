"""Recording e-mails to send: called inside the transaction of the write that causes
them, so the message, its deliveries and the job that sends them commit (or roll back)
together with that write. Nothing here talks to a mail server: see `mailing.tasks`.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.jobs import defer_in_transaction
from mailing import tasks
from mailing.models import Delivery, DeliveryState, Message

# Deliveries are inserted this many at a time (a fan-out to 100,000 subscribers
# streams its recipients rather than building one huge INSERT).
INSERT_CHUNK = 1000
# Sign-up confirmations and account messages carry a one-time link and the address of
# someone who may never confirm: kept this long, then deleted by the daily purge.
SHORT_LIVED_KINDS = ("newsletter", "account")
SHORT_LIVED_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str = settings.LANGUAGE_CODE
    context: dict = field(default_factory=dict)


def message_create(
    *,
    kind: str,
    template: str = "",
    subject: str = "",
    body: str = "",
    target=None,
    context=None,
    fan_out=None,
) -> Message:
    """Record a message: a template rendered for each recipient by the worker, or a
    subject and body sent as they are. `fan_out`: the task (taking `message_id`) that
    lists its recipients, deferred in this transaction."""
    message = Message.objects.create(
        kind=kind, template=template, subject=subject, body=body, target=target, context=context or {}
    )
    if fan_out is not None:
        defer_in_transaction(fan_out, message_id=message.pk)
    return message


@transaction.atomic
def deliveries_add(*, message: Message, recipients: Iterable[Recipient]) -> int:
    """Record one delivery per recipient (an address already there is skipped: running
    a fan-out twice tells nobody twice), then defer the jobs that send them, one per
    BATCH_SIZE so that several workers share a large list. Return how many were added."""
    # Locked, so that two fan-outs of one message count their own additions.
    Message.objects.select_for_update().filter(pk=message.pk).first()
    before = Delivery.objects.filter(message=message).count()
    chunk = []
    for recipient in recipients:
        chunk.append(
            Delivery(
                message=message,
                address=recipient.address,
                language=recipient.language,
                context=recipient.context,
            )
        )
        if len(chunk) == INSERT_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    added = Delivery.objects.filter(message=message).count() - before
    Message.objects.filter(pk=message.pk).update(recipients_recorded_at=timezone.now())
    for _job in range(math.ceil(added / tasks.BATCH_SIZE)):
        defer_in_transaction(tasks.send, message_id=message.pk)
    return added


@transaction.atomic
def mail_one(
    *,
    kind: str,
    recipient: Recipient,
    template: str = "",
    subject: str = "",
    body: str = "",
    target=None,
    context=None,
) -> Message:
    """One message to one recipient (a moderation notice, a confirmation link): three
    INSERTs, the message, its delivery and the job that sends it."""
    message = Message.objects.create(
        kind=kind,
        template=template,
        subject=subject,
        body=body,
        target=target,
        context=context or {},
        recipients_recorded_at=timezone.now(),
    )
    Delivery.objects.create(
        message=message, address=recipient.address, language=recipient.language, context=recipient.context
    )
    defer_in_transaction(tasks.send, message_id=message.pk)
    return message


@transaction.atomic
def deliveries_retry(*, message: Message) -> int:
    """Staff try the failed deliveries of `message` again; return how many."""
    retried = Delivery.objects.filter(message=message, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for _job in range(math.ceil(retried / tasks.BATCH_SIZE)):
        defer_in_transaction(tasks.send, message_id=message.pk)
    return retried


@transaction.atomic
def messages_purge(*, now=None) -> int:
    """Delete the short-lived messages (confirmation links, account messages) older
    than a week, whatever their state; return how many."""
    cutoff = (now or timezone.now()) - SHORT_LIVED_RETENTION
    deleted, _counts = Message.objects.filter(kind__in=SHORT_LIVED_KINDS, created_at__lt=cutoff).delete()
    return deleted


# Citizens' e-mail preferences ------------------------------------------------------------

UNSUBSCRIBE_SALT = "mailing.unsubscribe"


def unsubscribe_token(*, user_id: int, topic: str) -> str:
    """An opaque, signed token: who (`user_id`) no longer wants which e-mails (`topic`)."""
    return signing.dumps([user_id, topic], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raises signing.BadSignature on a forged or damaged token."""
    user_id, topic = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(user_id), str(topic)


def citizen_recipient(user, *, topic: str) -> Recipient:
    """A citizen as a recipient of notifications on `topic`: with the link to their
    preferences and a one-click unsubscribe link (RFC 8058)."""
    token = unsubscribe_token(user_id=user.pk, topic=topic)
    return Recipient(
        address=user.email,
        context={
            "preferences_url": settings.SITE_URL + reverse("profile") + "#courriels",
            "unsubscribe_url": settings.SITE_URL + reverse("email_unsubscribe", args=[token]),
        },
    )
