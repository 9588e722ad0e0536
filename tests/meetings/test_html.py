"""The meeting pages pass the site's HTML checker (tests/archipel/test_html.py)."""

import pytest

from meetings.models import Registration, RegistrationStatus
from tests.archipel.test_html import assert_valid
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.django_db


def test_the_meeting_pages_are_valid_html(client, verified_citizen, partnership):
    upcoming = make_meeting(slug="a-venir", days=5)
    upcoming.partnerships.add(partnership)
    past = make_meeting(
        slug="passee", days=-5, minutes="Compte rendu.", documents="https://example.org/a.pdf A"
    )
    for url in ["/rencontres/", upcoming.get_absolute_url(), past.get_absolute_url()]:
        assert_valid(client.get(url), url)
    client.force_login(verified_citizen)
    Registration.objects.create(meeting=upcoming, citizen=verified_citizen, status=RegistrationStatus.WAITING)
    assert_valid(client.get(upcoming.get_absolute_url()), "signed in")
