"""The evaluation of partnerships in figures, computed in one place.

A year's spending is what its published assessment says it cost; without one (or when
the assessment gives no cost), it is the sum of the known budgets of that year's actions.
The same rule makes the scorecard of a partnership page and the summary columns that
/evaluation/ sorts on (`refresh_summaries`).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

from cooperation.models import Partnership, Theme
from evaluation.models import PartnershipAction, PartnershipAssessment, PartnershipReview, ReviewScore

SCORES = range(1, 6)
# Never one citizen's scores: an average or a distribution is published only when at
# least this many citizens gave it (pages, /evaluation/, open data, API). Fewer, and only
# how many took part shows.
MINIMUM_REVIEWERS = 5
# An assessment of the year before last is still current: the last year's one is
# usually published during the year.
STALE_AFTER_YEARS = 2


@dataclass
class Year:
    year: int
    action_count: int = 0
    budget: int | None = None  # the known budgets of the year's actions, summed
    assessment: PartnershipAssessment | None = None

    @property
    def spending(self) -> int | None:
        if self.assessment is not None and self.assessment.cost is not None:
            return self.assessment.cost
        return self.budget


def years_of(actions, assessments) -> list[Year]:
    """One row per year with an action or an assessment, the latest first."""
    years: dict[int, Year] = {}
    for action in actions:
        row = years.setdefault(action.year, Year(action.year))
        row.action_count += 1
        if action.budget is not None:
            row.budget = (row.budget or 0) + action.budget
    for assessment in assessments:
        years.setdefault(assessment.year, Year(assessment.year)).assessment = assessment
    return sorted(years.values(), key=lambda row: row.year, reverse=True)


def total_spending(years: list[Year]) -> int | None:
    known = [row.spending for row in years if row.spending is not None]
    return sum(known) if known else None


@dataclass
class Distribution:
    """How citizens scored one axis: how many gave each score, not only the mean."""

    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many citizens scored the axis: shown whatever it is, it reveals no score."""
        return sum(self.counts.values())

    @property
    def is_published(self) -> bool:
        return self.total >= MINIMUM_REVIEWERS

    @property
    def average(self) -> Decimal | None:
        """None under MINIMUM_REVIEWERS: the mean of one or two citizens is their scores."""
        if not self.is_published:
            return None
        mean = Decimal(sum(score * n for score, n in self.counts.items())) / self.total
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(score, count, percentage of the answers) from 5 down to 1; none under
        MINIMUM_REVIEWERS."""
        if not self.is_published:
            return []
        total = self.total
        return [
            (score, self.counts.get(score, 0), round(100 * self.counts.get(score, 0) / total) if total else 0)
            for score in reversed(SCORES)
        ]


@dataclass
class AxisCoverage:
    theme: Theme
    declared: bool  # the partnership itself is classed under this axis
    action_count: int
    action_share: int  # percentage of the partnership's actions serving this axis
    budget: int | None
    ratings: Distribution


@dataclass
class Scorecard:
    actions: list[PartnershipAction]  # the latest first
    assessments: list[PartnershipAssessment]  # the latest first
    years: list[Year]
    action_count: int
    spending: int | None
    action_fields: list
    sdgs: list
    last_assessment: PartnershipAssessment | None
    is_stale: bool  # nothing published for the last STALE_AFTER_YEARS years
    axes: list[AxisCoverage]
    participants: int

    @property
    def is_evaluated(self) -> bool:
        return self.last_assessment is not None


def scorecard(partnership: Partnership, *, today: datetime.date | None = None) -> Scorecard:
    """Everything the partnership page shows of its evaluation, in a fixed number of queries.

    `partnership` comes with `themes`, `action_fields` and `sdgs` prefetched.
    """
    today = today or datetime.date.today()
    actions = list(
        partnership.actions.select_related("action_field").prefetch_related(
            "themes", "sdgs", "organisations", "sources"
        )
    )
    assessments = list(partnership.assessments.prefetch_related("sources"))
    years = years_of(actions, assessments)

    fields_by_pk = {f.pk: f for f in partnership.action_fields.all()}
    sdgs_by_pk = {s.pk: s for s in partnership.sdgs.all()}
    for action in actions:
        if action.action_field is not None:
            fields_by_pk.setdefault(action.action_field.pk, action.action_field)
        for sdg in action.sdgs.all():
            sdgs_by_pk.setdefault(sdg.pk, sdg)

    distributions = score_distributions([partnership.pk])
    declared = {theme.pk for theme in partnership.themes.all()}
    axes = []
    for theme in Theme.objects.all():
        serving = [action for action in actions if theme in action.themes.all()]
        budgets = [action.budget for action in serving if action.budget is not None]
        axes.append(
            AxisCoverage(
                theme=theme,
                declared=theme.pk in declared,
                action_count=len(serving),
                action_share=round(100 * len(serving) / len(actions)) if actions else 0,
                budget=sum(budgets) if budgets else None,
                ratings=distributions.get((partnership.pk, theme.pk), Distribution()),
            )
        )
    last = assessments[0] if assessments else None  # ordered by year, the latest first
    return Scorecard(
        actions=actions,
        assessments=assessments,
        years=years,
        action_count=len(actions),
        spending=total_spending(years),
        action_fields=sorted(fields_by_pk.values(), key=lambda f: (f.position, f.name)),
        sdgs=sorted(sdgs_by_pk.values(), key=lambda s: s.number),
        last_assessment=last,
        is_stale=last is None or last.year < today.year - STALE_AFTER_YEARS,
        axes=axes,
        participants=partnership.reviewer_count,
    )


def score_distributions(partnership_ids) -> dict[tuple[int, int], Distribution]:
    """{(partnership id, theme id): Distribution} for these partnerships, in one query."""
    rows = (
        ReviewScore.objects.filter(review__partnership_id__in=partnership_ids)
        .values_list("review__partnership_id", "theme_id", "score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[tuple[int, int], Distribution] = defaultdict(Distribution)
    for partnership_id, theme_id, score, n in rows:
        result[(partnership_id, theme_id)].counts[score] = n
    return dict(result)


def refresh_summaries(partnership_ids) -> None:
    """Recompute the summary columns of these partnerships from their rows.

    Every write to actions, assessments or reviews calls it (services and admin), in the
    same transaction. A handful of queries whatever the number of partnerships.
    """
    ids = sorted(set(partnership_ids))
    if not ids:
        return
    actions = defaultdict(list)
    for action in PartnershipAction.objects.filter(partnership_id__in=ids).only(
        "partnership", "year", "budget"
    ):
        actions[action.partnership_id].append(action)
    assessments = defaultdict(list)
    for assessment in PartnershipAssessment.objects.filter(partnership_id__in=ids).only(
        "partnership", "year", "cost"
    ):
        assessments[assessment.partnership_id].append(assessment)
    # The average is stored only from MINIMUM_REVIEWERS citizens who gave a score: below,
    # the column is empty, so /evaluation/ sorts the partnership as "no rating" and the
    # API and open data, which read the column, publish nothing either.
    ratings = {
        row["review__partnership_id"]: row["average"]
        for row in ReviewScore.objects.filter(review__partnership_id__in=ids)
        .values("review__partnership_id")
        .annotate(average=Avg("score"), scorers=Count("review", distinct=True))
        .filter(scorers__gte=MINIMUM_REVIEWERS)
        .order_by()
    }
    reviewers = Counter(
        dict(
            PartnershipReview.objects.filter(partnership_id__in=ids)
            .values_list("partnership_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    partnerships = []
    for pk in ids:
        years = years_of(actions[pk], assessments[pk])
        average = ratings.get(pk)
        partnerships.append(
            Partnership(
                pk=pk,
                last_assessed_year=max((a.year for a in assessments[pk]), default=None),
                spending=total_spending(years),
                action_count=len(actions[pk]),
                rating_average=None if average is None else Decimal(average).quantize(Decimal("0.01")),
                reviewer_count=reviewers[pk],
            )
        )
    Partnership.objects.bulk_update(
        partnerships,
        ["last_assessed_year", "spending", "action_count", "rating_average", "reviewer_count"],
        batch_size=1000,
    )
