"""Staff manage meetings in the admin and export their registrants."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from meetings.models import Meeting, Registration, RegistrationStatus
from tests.factories import VerifiedUserFactory
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings_staff(client, staff_user):
    staff_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(staff_user)
    return client


def test_staff_export_the_registrants_as_csv_with_formulas_neutralised(meetings_staff):
    meeting = make_meeting(title="=Rencontre")
    citizen = VerifiedUserFactory(username="inscrite")
    Registration.objects.create(meeting=meeting, citizen=citizen, status=RegistrationStatus.REGISTERED)
    waiting = VerifiedUserFactory(username="attente")
    Registration.objects.create(meeting=meeting, citizen=waiting, status=RegistrationStatus.WAITING)

    response = meetings_staff.post(
        "/admin/meetings/meeting/", {"action": "export_registrants", "_selected_action": [meeting.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="inscrits-rencontres-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["meeting", "username", "email", "status", "registered_at"]
    assert [row[:4] for row in rows[1:]] == [
        ["'=Rencontre", "inscrite", "inscrite@example.org", "registered"],
        ["'=Rencontre", "attente", "attente@example.org", "waiting"],
    ]


def test_staff_see_a_meeting_with_its_registrations(meetings_staff):
    meeting = make_meeting()
    Registration.objects.create(
        meeting=meeting,
        citizen=VerifiedUserFactory(username="inscrite"),
        status=RegistrationStatus.REGISTERED,
    )

    response = meetings_staff.get(f"/admin/meetings/meeting/{meeting.pk}/change/")

    assert response.status_code == 200
    assert "inscrite" in response.content.decode()


def test_staff_create_a_meeting(meetings_staff):
    response = meetings_staff.post(
        "/admin/meetings/meeting/add/",
        {
            "title": "Nouvelle rencontre",
            "slug": "nouvelle-rencontre",
            "starts_at_0": "2031-05-02",
            "starts_at_1": "18:00",
            "ends_at_0": "2031-05-02",
            "ends_at_1": "20:00",
            "place": "Capitole",
            "capacity": "40",
            "is_published": "on",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Meeting.objects.get(slug="nouvelle-rencontre").capacity == 40


def test_a_citizen_cannot_export(client, verified_citizen):
    meeting = make_meeting()
    client.force_login(verified_citizen)

    response = client.post(
        "/admin/meetings/meeting/", {"action": "export_registrants", "_selected_action": [meeting.pk]}
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at_1": "17:00"}, "Une rencontre finit après son début."),
        ({"place": "", "online_url": ""}, "Indiquez le lieu de la rencontre ou son lien en ligne."),
    ],
)
def test_a_meeting_that_ends_before_it_starts_or_has_no_place_is_refused(meetings_staff, changes, message):
    data = {
        "title": "Rencontre mal remplie",
        "slug": "rencontre-mal-remplie",
        "starts_at_0": "2031-05-02",
        "starts_at_1": "18:00",
        "ends_at_0": "2031-05-02",
        "ends_at_1": "20:00",
        "place": "Capitole",
        "capacity": "40",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }

    response = meetings_staff.post("/admin/meetings/meeting/add/", {**data, **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()
