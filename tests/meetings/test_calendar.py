"""iCalendar (RFC 5545) for one meeting and for all, read back by a small parser."""

import re
from datetime import UTC, datetime

import pytest

from meetings.calendar import escape, fold
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.django_db


def unfold(raw: bytes) -> list[str]:
    """The content lines: every line ends in CRLF and is at most 75 octets; a line
    starting with a space continues the one before (RFC 5545 3.1)."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), [line for line in physical if len(line) > 75]
    lines = []
    for line in physical:
        if line.startswith(b" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode() for line in lines]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def events(raw: bytes) -> list[dict]:
    lines = unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    found, current = [], None
    for line in lines[1:-1]:
        name, _sep, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice"
            current[name] = value
    assert current is None
    return found


def test_a_meeting_calendar_holds_one_event_in_utc(client):
    meeting = make_meeting(
        title="Jumelages, coopération; et \\ le reste",
        starts_at=datetime(2031, 3, 14, 17, 30, tzinfo=UTC),
        agenda="Première partie.\nDeuxième partie, " + "très longue " * 20,
    )

    response = client.get("/rencontres/rencontre-jumelages/agenda.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = events(response.content)
    assert event["UID"] == f"rencontre-{meeting.pk}@archipel"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert event["DTSTART"] == "20310314T173000Z"
    assert event["DTEND"] == "20310314T193000Z"
    assert event["SUMMARY"] == "Jumelages\\, coopération\\; et \\\\ le reste"
    assert unescape(event["SUMMARY"]) == meeting.title
    assert unescape(event["LOCATION"]) == "Salle du Sénéchal, Toulouse"
    assert unescape(event["DESCRIPTION"]) == meeting.agenda
    assert event["URL"] == "http://testserver/rencontres/rencontre-jumelages/"


def test_the_agenda_holds_every_published_meeting(client):
    make_meeting(slug="une", days=3)
    make_meeting(slug="deux", days=-3, online_url="https://visio.example.org/x", place="")
    make_meeting(slug="cachee", is_published=False)

    found = events(client.get("/rencontres/agenda.ics").content)

    assert [e["URL"].rsplit("/", 2)[-2] for e in found] == ["deux", "une"]
    assert found[0]["LOCATION"] == "https://visio.example.org/x"


def test_an_unpublished_meeting_has_no_calendar(client):
    make_meeting(is_published=False)

    assert client.get("/rencontres/rencontre-jumelages/agenda.ics").status_code == 404


def test_folding_never_cuts_a_character_and_keeps_75_octets():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line).encode()

    assert all(len(piece) <= 75 for piece in folded.split(b"\r\n"))
    assert folded.replace(b"\r\n ", b"").decode() == line


def test_escaping_covers_backslash_semicolon_comma_and_newlines():
    assert escape("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
