"""Every write of the newsletter: sign up, confirm, unsubscribe, send a bulletin, purge.

Each runs in one transaction; the e-mails it causes are recorded in the same
transaction and sent by the workers (`mailing`), so a rolled-back write sends nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mailing.models import MessageKind
from mailing.services import Recipient, mail_one, message_create
from newsletter import tasks, tokens
from newsletter.models import Bulletin, Subscription

# At most one e-mail an hour to an address, whoever asks and however often.
SIGNUP_MAIL_INTERVAL = timedelta(hours=1)


# Subscriptions ---------------------------------------------------------------------------


def subscription_request(*, email: str, language: str) -> bool:
    """Someone asks for the newsletter at `email`: send it a confirmation link, at most
    once an hour; return whether a message leaves.

    A pending sign-up stores the address's hash and the address sealed with the key of
    its link (newsletter.tokens), never the address readable. An address already confirmed gets
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
        context = {"max_age_days": tokens.CONFIRMATION_MAX_AGE.days}
        if subscription.is_confirmed:
            template = "already_subscribed"
        else:
            # A new link each time: the previous one stops working (only its hash was kept).
            confirmation = tokens.confirmation_new(email)
            subscription.confirmation_token_hash = confirmation.token_hash
            subscription.sealed_email = confirmation.sealed_email
            subscription.language = language
            subscription.save(update_fields=["confirmation_token_hash", "sealed_email", "language"])
            template = "confirm"
            context["confirm_url"] = absolute_url("newsletter:confirm", confirmation.token)
        mail_one(
            kind=MessageKind.NEWSLETTER,
            recipient=subscriber_recipient(email=email, digest=digest, language=language),
            template=f"newsletter/email/{template}",
            context=context,
        )
    return True


class ConfirmationExpired(Exception):
    """The confirmation link is older than tokens.CONFIRMATION_MAX_AGE."""


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm the sign-up whose last confirmation link carried `token`: store the address
    it sealed (sending needs it). Confirming again changes nothing.

    Raises Subscription.DoesNotExist when no sign-up has this token (a forged or
    superseded link, a sign-up withdrawn or purged since: a later "no" wins over an
    earlier link), ConfirmationExpired when the link is too old; nothing is written then.
    """
    subscription = Subscription.objects.select_for_update().with_confirmation_token(token).get()
    if subscription.is_confirmed:
        return subscription
    if subscription.confirmation_expired():
        raise ConfirmationExpired
    try:
        email = tokens.confirmation_email(token, subscription.sealed_email)
    except ValueError:
        raise Subscription.DoesNotExist from None
    if tokens.email_hash(email) != subscription.email_hash:  # never, unless the row was altered
        raise Subscription.DoesNotExist
    subscription.email = email
    subscription.sealed_email = ""
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["email", "sealed_email", "confirmed_at"])
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
    """Mark `bulletin` sent and defer the job that addresses it to each confirmed
    subscriber (one message each, sent by the workers); return how many are confirmed now.

    The conditional UPDATE on sent_at is the guarantee: of two attempts, even
    simultaneous, one only finds the bulletin unsent; the other gets a ValidationError
    and sends nothing. Progress (sent, pending, failed) is on its deliveries.
    """
    marked = Bulletin.objects.filter(pk=bulletin.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    if not marked:
        raise ValidationError(_("Ce bulletin a déjà été envoyé."), code="already_sent")
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    message_create(
        kind=MessageKind.BULLETIN,
        template="newsletter/email/bulletin",
        target=bulletin,
        context={"label": bulletin.subject},
        fan_out=tasks.bulletin_fan_out,
    )
    return Subscription.objects.confirmed().count()


# E-mail ----------------------------------------------------------------------------------


def absolute_url(name: str, *args) -> str:
    """A link for an e-mail, sent outside any request: on settings.SITE_URL."""
    return settings.SITE_URL + reverse(name, args=args)


def subscriber_recipient(*, email: str, digest: str, language: str) -> Recipient:
    """An address as a recipient of the newsletter's messages: in its language, with its
    unsubscribe link (in the text and in the List-Unsubscribe headers)."""
    unsubscribe_url = absolute_url("newsletter:unsubscribe", tokens.unsubscribe_token(digest))
    return Recipient(address=email, language=language, context={"unsubscribe_url": unsubscribe_url})
