"""The only place that talks to the mail server: the workers' tasks.

`send` sends the due deliveries of one message (or of all), one SMTP connection a
run. Each recipient is sent in its own short transaction that holds the delivery's row
lock (SKIP LOCKED, so any number of workers share a message) and marks it sent as soon
as the server accepted it: a worker killed mid-way rolls back only the message in
flight, which the next run sends again.
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from procrastinate.contrib.django import app

from mailing.models import MAX_ATTEMPTS, Delivery, DeliveryState

logger = logging.getLogger(__name__)

# How many deliveries one `send` job takes on: a large fan-out is split into several
# jobs, so that several workers share it.
BATCH_SIZE = 500
QUEUE = "mail"


@app.task(queue=QUEUE, name="mailing.send")
def send(message_id: int | None = None, limit: int = BATCH_SIZE) -> int:
    """Send up to `limit` due deliveries (of `message_id`, or of any message); return
    how many the server accepted."""
    return deliveries_send(message_id=message_id, limit=limit)


@app.periodic(cron="* * * * * */15", periodic_id="mailing-sweep")
@app.task(queue=QUEUE, name="mailing.sweep", queueing_lock="mailing.sweep")
def sweep(timestamp: int) -> int:
    """Every 15 seconds: what is due again after a temporary failure, and what a killed
    worker left pending (its transaction rolled back with its connection)."""
    return deliveries_send(limit=BATCH_SIZE)


@dataclass
class Failure:
    error: str
    permanent: bool
    connection_lost: bool


def deliveries_send(*, message_id: int | None = None, limit: int = BATCH_SIZE) -> int:
    """Send due deliveries one by one over one SMTP connection, until none is due or
    `limit` were tried. A lost connection ends the run: the rest waits for the next."""
    sent = tried = 0
    connection = get_connection()
    try:
        while tried < limit:
            with transaction.atomic():
                due = Delivery.objects.due().select_related("message")
                if message_id is not None:
                    due = due.filter(message_id=message_id)
                delivery = due.select_for_update(skip_locked=True, of=("self",)).order_by("pk").first()
                if delivery is None:
                    break
                tried += 1
                failure = _send_one(connection, delivery)
                if failure is None:
                    Delivery.objects.filter(pk=delivery.pk).update(
                        state=DeliveryState.SENT,
                        sent_at=timezone.now(),
                        attempts=F("attempts") + 1,
                        last_error="",
                    )
                    sent += 1
                    continue
                _record_failure(delivery, failure)
            if failure.connection_lost:
                break
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return sent


def _send_one(connection, delivery: Delivery) -> Failure | None:
    try:
        email = render(delivery, connection=connection)
    except Exception as error:
        # A template error is ours, not the server's: record it, do not retry forever.
        logger.exception("Courriel impossible à composer (envoi %s)", delivery.pk)
        return Failure(error=f"{type(error).__name__}: {error}", permanent=True, connection_lost=False)
    try:
        # Opened once and kept open for the whole run (open() does nothing when it is).
        connection.open()
        connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (550, b""))
        return _failure_from_code(code, text)
    except smtplib.SMTPResponseException as error:
        failure = _failure_from_code(error.smtp_code, error.smtp_error)
        # A refusal of the whole conversation (421) leaves the connection unusable.
        failure.connection_lost = error.smtp_code == 421
        return failure
    except (smtplib.SMTPException, OSError) as error:
        # Refused, reset, timed out, disconnected: the server is away, try again later.
        return Failure(error=f"{type(error).__name__}: {error}", permanent=False, connection_lost=True)
    return None


def _failure_from_code(code: int, text) -> Failure:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return Failure(error=f"{code} {text}".strip(), permanent=500 <= code < 600, connection_lost=False)


def _record_failure(delivery: Delivery, failure: Failure) -> None:
    attempts = delivery.attempts + 1
    gave_up = failure.permanent or attempts >= MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
        attempts=attempts,
        last_error=failure.error[:2000],
        next_attempt_at=timezone.now() + Delivery.backoff(attempts),
    )
    # One line per failure, no traceback: a mail server down must not flood the logs.
    logger.warning(
        "Échec de l’envoi d’un courriel",
        extra={
            "delivery": delivery.pk,
            "mail_message": delivery.message_id,
            "attempts": attempts,
            "permanent": gave_up,
            "error": failure.error[:200],
        },
    )


def render(delivery: Delivery, connection=None) -> EmailMessage:
    """The e-mail of one delivery, in its recipient's language. A message with a
    template sees its subject as `target` (and under its model name, `proposal`,
    `bulletin`…), the message's context and the recipient's own (unsubscribe links).
    With an unsubscribe link, the List-Unsubscribe headers (RFC 2369, RFC 8058)."""
    message = delivery.message
    context = {"site_url": settings.SITE_URL, **message.context, **delivery.context}
    if message.template:
        target = message.target
        if target is not None:
            context.update({"target": target, target._meta.model_name: target})
        with translation.override(delivery.language):
            subject = render_to_string(f"{message.template}_subject.txt", context)
            body = render_to_string(f"{message.template}.txt", context)
    else:
        subject, body = message.subject, message.body
    headers = {}
    if delivery.context.get("unsubscribe_url"):
        headers = {
            "List-Unsubscribe": f"<{delivery.context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers=headers,
        connection=connection,
    )


@app.periodic(cron="29 3 * * *", periodic_id="mailing-purge")
@app.task(name="mailing.purge", queueing_lock="mailing.purge")
def purge(timestamp: int) -> int:
    """Daily: delete the week-old confirmation and account messages (they hold
    addresses and one-time links)."""
    from mailing.services import messages_purge

    return messages_purge()
