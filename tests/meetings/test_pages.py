"""/rencontres/ and a meeting's page, as visitors read them."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cooperation.models import Partnership
from meetings.models import Registration, RegistrationStatus
from tests.factories import NetworkFactory, UserFactory
from tests.meetings.helpers import make_meeting
from tests.pages import visible_text

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def test_it_lists_upcoming_meetings_soonest_first_then_past_ones(client):
    make_meeting(slug="apres", title="Rencontre tardive", days=20)
    make_meeting(slug="bientot", title="Rencontre prochaine", days=2)
    make_meeting(slug="passee", title="Rencontre passée de mars", days=-30)
    make_meeting(slug="brouillon", title="Rencontre en préparation", is_published=False)

    response = client.get("/rencontres/")

    text = visible_text(response)
    assert response.status_code == 200
    assert text.index("À venir") < text.index("Rencontre prochaine") < text.index("Rencontre tardive")
    assert text.index("Rencontres passées") < text.index("Rencontre passée de mars")
    assert "Rencontre en préparation" not in text
    assert '<link rel="alternate" type="application/atom+xml"' in response.content.decode()


def test_the_list_makes_a_fixed_number_of_queries(client, assert_constant_queries):
    make_meeting(slug="r0", days=3)
    make_meeting(slug="p0", days=-3)

    def grow():
        for n in range(1, 15):
            make_meeting(slug=f"r{n}", days=3 + n)
            make_meeting(slug=f"p{n}", days=-3 - n)

    # upcoming, past (each with its counts)
    assert_constant_queries(lambda: client.get("/rencontres/"), grow, 2)


def test_a_meeting_page_shows_date_place_agenda_links_and_places_left(client, partnership, verified_user):
    network = NetworkFactory(name="Réseau des rencontres", slug="reseau-des-rencontres")
    start = datetime(2031, 3, 14, 18, 30, tzinfo=PARIS)
    meeting = make_meeting(starts_at=start, capacity=3, online_url="https://visio.example.org/r")
    meeting.partnerships.add(partnership)
    meeting.networks.add(network)
    Registration.objects.create(meeting=meeting, citizen=verified_user, status=RegistrationStatus.REGISTERED)

    response = client.get("/rencontres/rencontre-jumelages/")

    text = visible_text(response)
    assert "vendredi 14 mars 2031 , de 18:30 à 20:30" in text
    assert "Salle du Sénéchal, Toulouse" in text
    assert "https://visio.example.org/r" in text
    assert "Présentation des jumelages." in text
    assert "2 places restantes sur 3" in text
    assert str(partnership) in text
    html = response.content.decode()
    assert f'href="{partnership.get_absolute_url()}"' in html
    assert 'href="/reseaux/reseau-des-rencontres/"' in html
    assert "Connectez-vous pour vous inscrire" in text


def test_a_past_meeting_shows_its_minutes_and_documents_and_no_registration(client):
    make_meeting(
        days=-10,
        minutes="Quarante personnes présentes.",
        documents="https://example.org/diaporama.pdf Le diaporama\nnot-a-link",
    )

    response = client.get("/rencontres/rencontre-jumelages/")

    text = visible_text(response)
    assert "Compte rendu" in text and "Quarante personnes présentes." in text
    assert '<a href="https://example.org/diaporama.pdf">Le diaporama</a>' in response.content.decode()
    assert "not-a-link" not in text
    assert "Inscription" not in text


def test_an_unpublished_meeting_is_not_found(client):
    make_meeting(is_published=False)

    assert client.get("/rencontres/rencontre-jumelages/").status_code == 404


def test_a_meeting_page_makes_a_fixed_number_of_queries(client, verified_user, assert_constant_queries):
    meeting = make_meeting(capacity=100)
    client.force_login(verified_user)

    def grow():
        for n in range(30):
            user = UserFactory(username=f"inscrit{n}")
            Registration.objects.create(meeting=meeting, citizen=user, status=RegistrationStatus.REGISTERED)
        meeting.networks.add(*[NetworkFactory(name=f"Réseau test {n}", slug=f"reseau-{n}") for n in range(3)])
        meeting.partnerships.add(*Partnership.objects.all()[:5])
        assert meeting.partnerships.count() == 5

    # session, user, meeting with counts, partnerships, networks, my registration, verified address
    assert_constant_queries(lambda: client.get(meeting.get_absolute_url()), grow, 7)


def test_times_are_shown_in_french_time_whatever_the_stored_zone(client):
    make_meeting(starts_at=datetime(2031, 7, 1, 16, 0, tzinfo=zoneinfo.ZoneInfo("UTC")))

    text = visible_text(client.get("/rencontres/rencontre-jumelages/"))

    assert "mardi 1 juillet 2031 , de 18:00 à 20:00" in text


def test_an_upcoming_meeting_stays_in_upcoming_until_it_ends(client):
    start = timezone.now() - timedelta(hours=1)
    make_meeting(starts_at=start, title="Rencontre en cours")

    text = visible_text(client.get("/rencontres/"))

    assert text.index("Rencontre en cours") < text.index("Rencontres passées")
