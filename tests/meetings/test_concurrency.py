"""Citizens registering at the same moment (real threads, real commits on PostgreSQL):
never more registered than places, the rest on the waiting list in order."""

import pytest
from django.core.management import call_command

from meetings import services
from meetings.models import Registration, RegistrationStatus
from tests.factories import VerifiedUserFactory
from tests.meetings.helpers import make_meeting
from tests.threads import run_at_once


@pytest.fixture
def catalogue(transactional_db):
    """Transactional tests end with a flush: put the session's catalogue back first."""
    call_command("load_catalogue", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_twenty_citizens_registering_at_once_for_five_places(catalogue):
    meeting = make_meeting(capacity=5)
    citizens = [VerifiedUserFactory(username=f"foule{n}") for n in range(20)]

    def register(citizen):
        return lambda: services.registration_create(meeting=meeting, citizen=citizen)

    results, errors = run_at_once([register(citizen) for citizen in citizens])

    assert errors == []
    assert len(results) == 20
    registrations = Registration.objects.filter(meeting=meeting)
    assert registrations.filter(status=RegistrationStatus.REGISTERED).count() == 5
    assert registrations.filter(status=RegistrationStatus.WAITING).count() == 15

    first_waiting = registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")[0]
    leaving = registrations.filter(status=RegistrationStatus.REGISTERED).first().citizen
    promoted = services.registration_cancel(meeting=meeting, citizen=leaving)

    assert promoted.pk == first_waiting.pk
    first_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.REGISTERED
    assert registrations.filter(status=RegistrationStatus.REGISTERED).count() == 5
    assert registrations.filter(status=RegistrationStatus.WAITING).count() == 14


@pytest.mark.django_db(transaction=True)
def test_cancellations_and_registrations_at_once_never_overbook(catalogue):
    meeting = make_meeting(capacity=3)
    leaving = [VerifiedUserFactory(username=f"partant{n}") for n in range(3)]
    for citizen in leaving:
        services.registration_create(meeting=meeting, citizen=citizen)
    coming = [VerifiedUserFactory(username=f"arrivant{n}") for n in range(9)]

    calls = [lambda c=c: services.registration_cancel(meeting=meeting, citizen=c) for c in leaving]
    calls += [lambda c=c: services.registration_create(meeting=meeting, citizen=c) for c in coming]
    _results, errors = run_at_once(calls)

    assert errors == []
    registrations = Registration.objects.filter(meeting=meeting)
    assert registrations.filter(status=RegistrationStatus.REGISTERED).count() == 3
    assert registrations.filter(status=RegistrationStatus.WAITING).count() == 6


@pytest.mark.django_db(transaction=True)
def test_one_citizen_registering_many_times_at_once_holds_one_place(catalogue):
    meeting = make_meeting(capacity=5)
    citizen = VerifiedUserFactory(username="double-clic")

    results, errors = run_at_once(
        [lambda: services.registration_create(meeting=meeting, citizen=citizen)] * 8
    )

    assert errors == []
    registration = Registration.objects.get(meeting=meeting)
    assert registration.status == RegistrationStatus.REGISTERED
    assert {r.pk for r in results} == {registration.pk}
