"""The participation app's background work: telling voters about an answer, reminding
staff of the answers due soon."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from procrastinate.contrib.django import app

from mailing.models import Message, MessageKind
from mailing.services import Recipient, citizen_recipient, deliveries_add, message_create
from mailing.tasks import QUEUE
from proposals.models import Proposal

# archipel.roles.ANSWER_MANAGER (proposals may not import archipel; a test checks they match).
ANSWER_MANAGER_GROUP = "Gestionnaire des réponses"
# Staff are reminded of an answer due within this much time.
REMINDER_NOTICE = datetime.timedelta(days=7)


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


@app.periodic(cron="23 6 * * *", periodic_id="answer-reminders")
@app.task(name="proposals.answer_reminders", queueing_lock="proposals.answer_reminders")
def answer_reminders(timestamp: int) -> int:
    """Daily: remind staff of the préconisations whose answer is due within a week."""
    return answer_reminders_send()


def _answer_managers() -> list[Recipient]:
    """The answer managers (their group), or the superusers when that group is empty."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    managers = users.filter(groups__name=ANSWER_MANAGER_GROUP).distinct()
    if not managers.exists():
        managers = users.filter(is_superuser=True)
    return [Recipient(address=user.email) for user in managers]


@transaction.atomic
def answer_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """One e-mail to the answer managers per unanswered préconisation due within
    REMINDER_NOTICE, each préconisation once (`answer_reminded_at`): run twice, tells
    nobody twice. Return how many préconisations were reminded."""
    now = now or timezone.now()
    recipients = _answer_managers()
    if not recipients:  # nobody to tell yet: reminded on a later run, once there is
        return 0
    # Locked and skipped when locked: two runs at once cannot remind the same one twice.
    due = list(
        Proposal.objects.select_for_update(skip_locked=True)
        .filter(
            answered_at__isnull=True,
            answer_reminded_at__isnull=True,
            answer_due_at__gt=now,
            answer_due_at__lte=now + REMINDER_NOTICE,
        )
        .order_by("answer_due_at", "pk")
    )
    for proposal in due:
        with translation.override(settings.LANGUAGE_CODE):
            due_date = formats.date_format(timezone.localtime(proposal.answer_due_at), "j F Y")
        message = message_create(
            kind=MessageKind.ANSWER_DUE,
            template="proposals/email/answer_reminder",
            context={
                "label": proposal.title,
                "title": proposal.title,
                "votes_for": proposal.votes_for,
                "due_date": due_date,
                "url": settings.SITE_URL + proposal.get_absolute_url(),
            },
        )
        deliveries_add(message=message, recipients=recipients)
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in due]).update(answer_reminded_at=now)
    return len(due)
