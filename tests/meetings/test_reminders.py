"""The reminder the day before, sent by the workers: once to each registered citizen."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services, tasks
from meetings.models import Registration, RegistrationStatus
from tests.factories import VerifiedUserFactory
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.django_db


def register(meeting, username, status=RegistrationStatus.REGISTERED):
    citizen = VerifiedUserFactory(username=username)
    return Registration.objects.create(meeting=meeting, citizen=citizen, status=status)


def test_the_periodic_task_reminds_registered_citizens_once(jobs):
    tomorrow = make_meeting(
        slug="demain", title="Rencontre de demain", starts_at=timezone.now() + timedelta(hours=20)
    )
    later = make_meeting(slug="plus-tard", starts_at=timezone.now() + timedelta(days=3))
    register(tomorrow, "inscrite")
    register(tomorrow, "en-attente", status=RegistrationStatus.WAITING)
    register(later, "plus-tard")

    assert tasks.remind(timestamp=0) == 1
    assert mail.outbox == []  # recorded, then sent by the job
    jobs.run()

    [email] = mail.outbox
    assert email.to == ["inscrite@example.org"]
    assert email.subject == "Rappel : « Rencontre de demain » demain"
    assert "Vous êtes inscrit à la rencontre publique « Rencontre de demain »." in email.body
    assert "Lieu : Salle du Sénéchal, Toulouse" in email.body
    assert "/rencontres/demain/" in email.body

    assert tasks.remind(timestamp=1) == 0
    jobs.run()
    assert len(mail.outbox) == 1
    assert Registration.objects.get(citizen__username="inscrite").reminded_at is not None
    assert Registration.objects.get(citizen__username="plus-tard").reminded_at is None


def test_a_citizen_promoted_from_the_waiting_list_is_reminded_too(jobs):
    meeting = make_meeting(capacity=1, starts_at=timezone.now() + timedelta(hours=10))
    first = register(meeting, "premiere")
    register(meeting, "suivant", status=RegistrationStatus.WAITING)
    services.reminders_send()
    services.registration_cancel(meeting=meeting, citizen=first.citizen)

    assert services.reminders_send() == 1
    jobs.run()

    sent = [(email.to, email.subject.split(" : ")[0]) for email in mail.outbox]
    assert sent == [
        (["premiere@example.org"], "Rappel"),
        (["suivant@example.org"], "Une place s’est libérée"),
        (["suivant@example.org"], "Rappel"),
    ]


def test_no_reminder_for_a_past_or_unpublished_meeting(jobs):
    register(make_meeting(slug="finie", starts_at=timezone.now() - timedelta(hours=3)), "a")
    register(make_meeting(slug="cachee", is_published=False, days=0.5), "b")

    assert services.reminders_send() == 0
    jobs.run()
    assert mail.outbox == []


def test_the_reminder_runs_every_hour():
    from procrastinate.contrib.django import app

    [task] = [t for t in app.periodic_registry.periodic_tasks.values() if t.periodic_id == "meetings-remind"]

    assert task.task.name == "meetings.remind"
    assert task.cron == "7 * * * *"
