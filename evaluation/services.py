"""Writes about partnerships that are more than a form save: citizens' reviews.

Each runs in one transaction and locks the partnership row first, so two reviews of the
same partnership never compute its summary from different states.
"""

from django.db import transaction

from cooperation.models import Partnership
from evaluation.figures import refresh_summaries
from evaluation.models import PartnershipReview, ReviewScore


def _lock(partnership: Partnership) -> None:
    Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk").get()


@transaction.atomic
def review_save(*, author, partnership: Partnership, scores: dict, comment: str) -> PartnershipReview | None:
    """Create or change `author`'s review: `scores` maps each axis (Theme) to 1–5, or to
    None to take that axis' score back. A review left with no score and no comment goes."""
    _lock(partnership)
    review, _created = PartnershipReview.objects.get_or_create(partnership=partnership, author=author)
    for theme, score in scores.items():
        if score is None:
            ReviewScore.objects.filter(review=review, theme=theme).delete()
        else:
            ReviewScore.objects.update_or_create(review=review, theme=theme, defaults={"score": score})
    comment = comment.strip()
    if not comment and not review.scores.exists():
        review.delete()
        review = None
    elif comment != review.comment or _created:
        review.comment = comment
        review.save(update_fields=["comment", "updated_at"])
    refresh_summaries([partnership.pk])
    return review


@transaction.atomic
def review_withdraw(*, author, partnership: Partnership) -> bool:
    """Delete `author`'s review of `partnership`, scores included; False if there was none."""
    _lock(partnership)
    deleted, _detail = PartnershipReview.objects.filter(partnership=partnership, author=author).delete()
    refresh_summaries([partnership.pk])
    return bool(deleted)


def reviews_forget(*, author) -> None:
    """Before an account is deleted: its reviews go and the summaries follow (in the
    caller's transaction)."""
    partnership_ids = list(
        PartnershipReview.objects.filter(author=author)
        .order_by("partnership_id")
        .values_list("partnership_id", flat=True)
    )
    list(
        Partnership.objects.select_for_update()
        .filter(pk__in=partnership_ids)
        .order_by("pk")
        .values_list("pk")
    )
    PartnershipReview.objects.filter(author=author).delete()
    refresh_summaries(partnership_ids)
