"""Meetings as iCalendar (RFC 5545), written by hand: one VEVENT per meeting, times in
UTC, lines ending in CRLF and folded at 75 octets."""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone

PRODID = "-//Archipel//Rencontres publiques//FR"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1), never inside
    a UTF-8 character; each continuation starts with one space."""
    pieces, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting, *, site_url: str, stamp: datetime) -> list[str]:
    url = site_url + meeting.get_absolute_url()
    lines = [
        "BEGIN:VEVENT",
        f"UID:rencontre-{meeting.pk}@archipel",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.ends_at)}",
        f"SUMMARY:{escape(meeting.title)}",
    ]
    location = meeting.place or meeting.online_url
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if meeting.agenda:
        lines.append(f"DESCRIPTION:{escape(meeting.agenda)}")
    lines += [f"URL:{url}", "END:VEVENT"]
    return lines


def calendar(meetings: Iterable, *, site_url: str) -> str:
    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for meeting in meetings:
        lines += event_lines(meeting, site_url=site_url, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
