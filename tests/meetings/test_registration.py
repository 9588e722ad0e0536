"""Registering for a meeting and cancelling, through the site: who may, the waiting list,
and what a refused attempt does not write."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services
from meetings.models import Registration, RegistrationStatus
from tests.factories import VerifiedUserFactory
from tests.meetings.helpers import make_meeting
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
REGISTER = "/rencontres/rencontre-jumelages/inscription/"
CANCEL = "/rencontres/rencontre-jumelages/annulation/"


def test_it_registers_a_verified_citizen(client, verified_citizen):
    meeting = make_meeting(capacity=2)
    client.force_login(verified_citizen)

    response = client.post(REGISTER, follow=True)

    registration = Registration.objects.get(meeting=meeting)
    assert registration.citizen == verified_citizen
    assert registration.status == RegistrationStatus.REGISTERED
    text = visible_text(response)
    assert "Vous êtes inscrit à cette rencontre." in text
    assert "1 place restante sur 2" in text
    assert "Annuler mon inscription" in text


def test_registering_twice_keeps_one_registration(client, verified_citizen):
    make_meeting()
    client.force_login(verified_citizen)

    client.post(REGISTER)
    response = client.post(REGISTER)

    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_written(client):
    make_meeting()

    response = client.post(REGISTER)

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=/rencontres/rencontre-jumelages/")
    assert not Registration.objects.exists()


def test_an_unverified_citizen_gets_a_french_403_and_nothing_is_written(client, citizen):
    make_meeting()
    client.force_login(citizen)

    response = client.post(REGISTER)

    assert response.status_code == 403
    assert "Vérifiez votre adresse e-mail pour vous inscrire" in visible_text(response)
    assert not Registration.objects.exists()


def test_an_unverified_citizen_sees_why_they_cannot_register(client, citizen):
    make_meeting()
    client.force_login(citizen)

    text = visible_text(client.get("/rencontres/rencontre-jumelages/"))

    assert "Vérifiez votre adresse e-mail pour vous inscrire." in text
    assert "M’inscrire" not in text


@pytest.mark.parametrize("fields", [{"days": -3}, {"is_published": False}])
def test_no_registration_for_a_past_or_unpublished_meeting(client, verified_citizen, fields):
    make_meeting(**fields)
    client.force_login(verified_citizen)

    response = client.post(REGISTER)

    assert response.status_code in (403, 404)
    assert not Registration.objects.exists()


def test_a_past_meeting_refuses_with_a_french_message(client, verified_citizen):
    make_meeting(days=-3)
    client.force_login(verified_citizen)

    response = client.post(REGISTER)

    assert response.status_code == 403
    assert "Les inscriptions à cette rencontre sont closes." in visible_text(response)


def test_registration_closes_when_the_meeting_starts(client, verified_citizen):
    make_meeting(starts_at=timezone.now() - timedelta(minutes=30))  # under way, not over
    client.force_login(verified_citizen)

    assert "Les inscriptions à cette rencontre sont closes." in visible_text(
        client.get("/rencontres/rencontre-jumelages/")
    )
    response = client.post(REGISTER)

    assert response.status_code == 403
    assert "Les inscriptions à cette rencontre sont closes." in visible_text(response)
    assert not Registration.objects.exists()


def test_a_get_registers_nobody(client, verified_citizen):
    make_meeting()
    client.force_login(verified_citizen)

    assert client.get(REGISTER).status_code == 405
    assert not Registration.objects.exists()


def test_a_full_meeting_puts_the_citizen_on_the_waiting_list(client, verified_citizen):
    meeting = make_meeting(capacity=1)
    Registration.objects.create(
        meeting=meeting, citizen=VerifiedUserFactory(username="premier"), status=RegistrationStatus.REGISTERED
    )
    client.force_login(verified_citizen)

    text = visible_text(client.get(meeting.get_absolute_url()))
    assert "M’inscrire sur la liste d’attente" in text
    response = client.post(REGISTER, follow=True)

    assert Registration.objects.get(citizen=verified_citizen).status == RegistrationStatus.WAITING
    text = visible_text(response)
    assert "La rencontre est complète : vous êtes sur la liste d’attente." in text
    assert "1 personne en liste d’attente" in text


def test_cancelling_frees_the_place_for_the_first_on_the_waiting_list(client, verified_citizen, jobs):
    meeting = make_meeting(capacity=1)
    client.force_login(verified_citizen)
    client.post(REGISTER)
    first, second = VerifiedUserFactory(username="attente1"), VerifiedUserFactory(username="attente2")
    for user in (first, second):
        Registration.objects.create(meeting=meeting, citizen=user, status=RegistrationStatus.WAITING)

    response = client.post(CANCEL, follow=True)

    assert "Votre inscription est annulée." in visible_text(response)
    assert not Registration.objects.filter(citizen=verified_citizen).exists()
    statuses = dict(Registration.objects.values_list("citizen__username", "status"))
    assert statuses == {"attente1": RegistrationStatus.REGISTERED, "attente2": RegistrationStatus.WAITING}
    jobs.run()
    [email] = mail.outbox
    assert email.to == ["attente1@example.org"]
    assert email.subject == "Une place s’est libérée : vous êtes inscrit à « Les jumelages en débat »"
    assert "vous êtes maintenant inscrit" in email.body


def test_cancelling_without_a_registration_is_a_french_403(client, verified_citizen):
    meeting = make_meeting(capacity=1)
    other = VerifiedUserFactory(username="autre")
    Registration.objects.create(meeting=meeting, citizen=other, status=RegistrationStatus.REGISTERED)
    client.force_login(verified_citizen)

    response = client.post(CANCEL)

    assert response.status_code == 403
    assert "Vous n’êtes pas inscrit à cette rencontre." in visible_text(response)
    assert Registration.objects.get().citizen == other


def test_an_anonymous_visitor_cannot_cancel(client):
    make_meeting()

    response = client.post(CANCEL)

    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_registrations_are_rate_limited(client, verified_citizen, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"meeting_register": (2, 3600)}
    make_meeting()
    client.force_login(verified_citizen)

    assert client.post(REGISTER).status_code == 302
    assert client.post(CANCEL).status_code == 302
    response = client.post(REGISTER)

    assert response.status_code == 429
    assert not Registration.objects.exists()


def test_a_registration_updates_the_page_anonymous_visitors_read(client, verified_citizen):
    meeting = make_meeting(capacity=4)
    assert "4 places restantes sur 4" in visible_text(client.get(meeting.get_absolute_url()))

    services.registration_create(meeting=meeting, citizen=verified_citizen)

    assert "3 places restantes sur 4" in visible_text(client.get(meeting.get_absolute_url()))


def test_the_english_page_reads_in_english_dates(client):
    make_meeting(starts_at=datetime(2031, 3, 14, 17, 30, tzinfo=UTC))

    response = client.get("/en/rencontres/rencontre-jumelages/")

    assert response.status_code == 200
    assert "Friday 14 March 2031" in visible_text(response)
