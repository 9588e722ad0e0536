"""Meetings for the tests: published, starting in a week unless told otherwise."""

from datetime import timedelta

from django.utils import timezone

from meetings.models import Meeting


def make_meeting(*, slug="rencontre-jumelages", days=7, capacity=5, **fields) -> Meeting:
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=days))
    defaults = {
        "title": "Les jumelages en débat",
        "place": "Salle du Sénéchal, Toulouse",
        "agenda": "Présentation des jumelages.\nQuestions du public.",
        "is_published": True,
    }
    return Meeting.objects.create(
        slug=slug,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=capacity,
        **{**defaults, **fields},
    )
