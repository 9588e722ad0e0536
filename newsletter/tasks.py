"""The newsletter's background work: addressing a bulletin, the daily purge."""

from procrastinate.contrib.django import app

from mailing.models import Message
from mailing.services import deliveries_add
from mailing.tasks import QUEUE
from newsletter.models import Bulletin, Subscription


@app.task(queue=QUEUE, name="newsletter.bulletin_fan_out")
def bulletin_fan_out(message_id: int) -> int:
    """One delivery per confirmed subscriber (each once, even if run twice); the send
    jobs follow. Records how many subscribers the bulletin was addressed to."""
    from newsletter.services import subscriber_recipient

    message = Message.objects.get(pk=message_id)
    subscriptions = Subscription.objects.confirmed().order_by("pk").only("email", "email_hash", "language")
    added = deliveries_add(
        message=message,
        recipients=(
            subscriber_recipient(email=s.email, digest=s.email_hash, language=s.language)
            for s in subscriptions.iterator(chunk_size=2000)
        ),
    )
    Bulletin.objects.filter(pk=message.object_id).update(recipient_count=message.deliveries.count())
    return added


@app.periodic(cron="41 3 * * *", periodic_id="purge-newsletter")
@app.task(name="newsletter.purge", queueing_lock="newsletter.purge")
def purge(timestamp: int) -> None:
    """Daily: delete the sign-ups left unconfirmed for a week (`purge_newsletter`)."""
    from newsletter.services import subscriptions_purge

    subscriptions_purge()
