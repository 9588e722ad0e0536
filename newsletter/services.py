"""Every write of the newsletter: sign up, confirm, unsubscribe, send a bulletin, purge.

Each runs in one transaction; e-mails leave after the commit (`transaction.on_commit`),
so a rolled-back write sends nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsletter import tokens
from newsletter.models import Bulletin, Subscription

logger = logging.getLogger(__name__)

# At most one e-mail an hour to an address, whoever asks and however often.
SIGNUP_MAIL_INTERVAL = timedelta(hours=1)


# Subscriptions ---------------------------------------------------------------------------


def subscription_request(*, email: str, language: str) -> bool:
    """Someone asks for the newsletter at `email`: send it a confirmation link, at most
    once an hour; return whether a message leaves.

    A pending sign-up stores only the address's hash. An address already confirmed gets
    no confirmation link, only a short "vous êtes déjà inscrit" notice (same hourly
    limit). Callers answer the same whatever happened, so nobody learns who subscribed.
    """
    email = tokens.normalise_email(email)
    digest = tokens.email_hash(email)
    now = timezone.now()
    with transaction.atomic():
        # The row of a first sign-up. Under concurrency the unique hash decides: a second
        # INSERT of the same hash waits for the first transaction, then does nothing.
        Subscription.objects.bulk_create(
            [Subscription(email_hash=digest, language=language)], ignore_conflicts=True
        )
        # The right to send, claimed by one conditional UPDATE: simultaneous requests
        # queue on the row lock and re-check the condition once the first has committed,
        # so one of them at most matches within the hour.
        claimed = (
            Subscription.objects.filter(email_hash=digest)
            .filter(
                Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - SIGNUP_MAIL_INTERVAL)
            )
            .update(confirmation_sent_at=now)
        )
        if not claimed:
            return False
        subscription = Subscription.objects.get(email_hash=digest)
        if not subscription.is_confirmed and subscription.language != language:
            subscription.language = language
            subscription.save(update_fields=["language"])
        template = "already_subscribed" if subscription.is_confirmed else "confirm"
        context = {
            "confirm_url": absolute_url("newsletter:confirm", tokens.confirmation_token(email)),
            "max_age_days": tokens.CONFIRMATION_MAX_AGE.days,
        }
        transaction.on_commit(
            lambda: _send_one(
                email=email, digest=digest, language=language, template=template, context=context
            )
        )
    return True


@transaction.atomic
def subscription_confirm(*, email: str) -> Subscription:
    """Confirm the sign-up of `email`, read from a valid confirmation token: store the
    address (sending needs it). Confirming again changes nothing.

    Raises Subscription.DoesNotExist when the sign-up is gone (unsubscribed or purged
    since): a later "no" wins over an earlier link.
    """
    subscription = Subscription.objects.select_for_update().get(email_hash=tokens.email_hash(email))
    if not subscription.is_confirmed:
        subscription.email = tokens.normalise_email(email)
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["email", "confirmed_at"])
    return subscription


@transaction.atomic
def subscription_delete(*, email_hash: str) -> bool:
    """Unsubscribe: delete the row, nothing about the person is kept. False if none."""
    deleted, _counts = Subscription.objects.filter(email_hash=email_hash).delete()
    return deleted > 0


@transaction.atomic
def subscriptions_purge(*, now=None) -> int:
    """Delete the sign-ups still pending a week after their last confirmation link (the
    link is dead by then); return how many."""
    cutoff = (now or timezone.now()) - tokens.CONFIRMATION_MAX_AGE
    stale = Subscription.objects.pending().filter(
        Q(confirmation_sent_at__lt=cutoff) | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
    )
    deleted, _counts = stale.delete()
    return deleted


# Bulletins -------------------------------------------------------------------------------


@transaction.atomic
def bulletin_send(*, bulletin: Bulletin) -> int:
    """Mark `bulletin` sent, then, after the commit, send it to each confirmed subscriber
    (one message each); return how many are confirmed now.

    The conditional UPDATE on sent_at is the guarantee: of two attempts, even
    simultaneous, one only finds the bulletin unsent; the other gets a ValidationError
    and sends nothing. Sending starts once the mark is committed.
    """
    marked = Bulletin.objects.filter(pk=bulletin.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    if not marked:
        raise ValidationError(_("Ce bulletin a déjà été envoyé."), code="already_sent")
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    transaction.on_commit(lambda: _deliver(bulletin))
    return Subscription.objects.confirmed().count()


def _deliver(bulletin: Bulletin) -> None:
    """Send the bulletin over one SMTP connection, reading subscribers in chunks; record
    how many messages left."""
    sent = 0
    connection = get_connection()
    with connection:
        subscriptions = (
            Subscription.objects.confirmed().order_by("pk").only("email", "email_hash", "language")
        )
        for subscription in subscriptions.iterator(chunk_size=500):
            message = _message(
                email=subscription.email,
                digest=subscription.email_hash,
                language=subscription.language,
                template="bulletin",
                context={"bulletin": bulletin},
                connection=connection,
            )
            try:
                sent += connection.send_messages([message]) or 0
            except OSError:
                # One refused address must not stop the others.
                logger.exception("Échec de l’envoi du bulletin %s à un abonné", bulletin.pk)
    Bulletin.objects.filter(pk=bulletin.pk).update(recipient_count=sent)


# E-mail ----------------------------------------------------------------------------------


def absolute_url(name: str, *args) -> str:
    """A link for an e-mail, sent outside any request: on settings.SITE_URL."""
    return settings.SITE_URL + reverse(name, args=args)


def _message(*, email, digest, language, template, context, connection=None) -> EmailMessage:
    """A plain-text message with its unsubscribe link in the text and in the headers
    (RFC 2369 List-Unsubscribe, RFC 8058 one-click), in the subscriber's language."""
    unsubscribe_url = absolute_url("newsletter:unsubscribe", tokens.unsubscribe_token(digest))
    context = {"site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url, **context}
    with translation.override(language):
        subject = render_to_string(f"newsletter/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"newsletter/email/{template}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _send_one(**kwargs) -> None:
    try:
        _message(**kwargs).send()
    except OSError:
        # The sign-up is committed; a mail server down must not turn it into an error page.
        logger.exception("Échec de l’envoi d’un courriel des nouvelles (%s)", kwargs["template"])
