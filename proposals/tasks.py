"""The participation app's background work: telling voters about an answer."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from procrastinate.contrib.django import app

from mailing.models import Message
from mailing.services import citizen_recipient, deliveries_add
from mailing.tasks import QUEUE


@app.task(queue=QUEUE, name="proposals.answer_fan_out")
def answer_fan_out(message_id: int) -> int:
    """List the recipients of an answer message (its author and voters who accept these
    e-mails, each once) as deliveries; the send jobs follow. Run twice, adds nobody."""
    message = Message.objects.get(pk=message_id)
    proposal = message.target
    if proposal is None:  # deleted since: nobody to tell about it
        return 0
    users = (
        get_user_model()
        .objects.filter(Q(votes__proposal=proposal) | Q(pk=proposal.author_id))
        .filter(email_answers=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
        .only("pk", "email")
    )
    return deliveries_add(
        message=message,
        recipients=(citizen_recipient(user, topic="answers") for user in users.iterator(chunk_size=2000)),
    )
