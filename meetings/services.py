"""Registrations for a meeting: one transaction each, holding the meeting's row lock, so
that citizens registering at the same moment never take more places than there are."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mailing.models import MessageKind
from mailing.services import Recipient, mail_one
from meetings.models import Meeting, Registration, RegistrationStatus

# The kind of the meetings' messages (mailing.Message.kind): reminders and places freed.
REMINDER_KIND = MessageKind.MEETING


def _locked(meeting: Meeting) -> Meeting:
    # Every change of a meeting's registrations takes this lock first: the count of
    # registered citizens read below cannot change before the transaction ends.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def registration_create(*, meeting: Meeting, citizen) -> Registration:
    """Register `citizen` (a verified citizen: the view checks it): a place while there
    is one, the waiting list after. Registering twice returns the first registration."""
    meeting = _locked(meeting)
    if not meeting.is_published or meeting.has_started():
        raise ValidationError(_("Les inscriptions à cette rencontre sont closes."), code="closed")
    existing = Registration.objects.filter(meeting=meeting, citizen=citizen).first()
    if existing is not None:
        return existing
    taken = Registration.objects.filter(meeting=meeting, status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED if taken < meeting.capacity else RegistrationStatus.WAITING
    return Registration.objects.create(meeting=meeting, citizen=citizen, status=status)


@transaction.atomic
def registration_cancel(*, meeting: Meeting, citizen) -> Registration | None:
    """Cancel `citizen`'s registration; a place freed goes to the first on the waiting
    list. Returns the promoted registration, if any."""
    meeting = _locked(meeting)
    if meeting.is_past():
        raise ValidationError(_("Cette rencontre a déjà eu lieu."), code="past")
    deleted, _counts = Registration.objects.filter(meeting=meeting, citizen=citizen).delete()
    if not deleted:
        raise ValidationError(_("Vous n’êtes pas inscrit à cette rencontre."), code="not_registered")
    return _promote(meeting)


def _promote(meeting: Meeting) -> Registration | None:
    """Call while holding the meeting's row lock: fill a free place from the waiting list,
    first come first served."""
    taken = Registration.objects.filter(meeting=meeting, status=RegistrationStatus.REGISTERED).count()
    if taken >= meeting.capacity:
        return None
    first = (
        Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING)
        .select_related("citizen")
        .order_by("created_at", "pk")
        .first()
    )
    if first is not None:
        first.status = RegistrationStatus.REGISTERED
        first.save(update_fields=["status"])
        if first.citizen.email:
            mail_one(
                kind=REMINDER_KIND,
                recipient=Recipient(address=first.citizen.email),
                template="meetings/email/promoted",
                target=meeting,
            )
    return first


def registrations_due_reminder(now=None):
    """Registered citizens of the meetings starting in the next 24 hours, not yet reminded."""
    now = now or timezone.now()
    return (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            reminded_at__isnull=True,
            meeting__is_published=True,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + timedelta(days=1),
        )
        .select_related("meeting", "citizen")
        .order_by("pk")
    )


@transaction.atomic
def reminders_send(*, now=None) -> int:
    """E-mail each registered citizen of the meetings starting within a day, once: the
    registration is marked in the transaction that records the message, and the rows are
    locked (SKIP LOCKED) so that two runs at once never remind anyone twice. Returns how
    many were reminded."""
    now = now or timezone.now()
    due = registrations_due_reminder(now).select_for_update(of=("self",), skip_locked=True)
    reminded = 0
    for registration in due:
        citizen = registration.citizen
        if citizen.email:
            mail_one(
                kind=REMINDER_KIND,
                recipient=Recipient(address=citizen.email),
                template="meetings/email/reminder",
                target=registration.meeting,
            )
            reminded += 1
        registration.reminded_at = now
        registration.save(update_fields=["reminded_at"])
    return reminded
