"""`demo_data_generate`: the demo tables filled in order, then the counters recomputed."""

import datetime
import math
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from cooperation.models import Theme
from proposals.models import Comment, Proposal, TaggedProposal, Topic, Vote
from proposals.services import proposals_recount

from .bulk import analyze, copy_rows, reserve_ids
from .reset import demo_data_delete, demo_data_exists
from .rows import (
    BENCHMARK_SLUG,
    Citizens,
    CommentRow,
    EmailAddressRow,
    ProposalRow,
    ProposalThemeRow,
    TaggedProposalRow,
    UserRow,
    VoteRow,
    comment_rows,
    email_address_rows,
    proposal_rows,
    user_rows,
    vote_rows,
)
from .sampling import Clock, allocate
from .words import TAG_POOL

# Every demo account signs in with this password (hashed once, shared by all rows).
DEMO_PASSWORD = "archipel-demo"
BENCHMARK_COMMENTS = 2000
HISTORY_DAYS = 730
# Popularity of a proposal follows a Pareto law: a few gather most votes and comments.
PARETO_ALPHA = 1.2
MAX_VOTERS_SHARE = 0.6  # no proposal gets votes from more than 60 % of the users


@dataclass
class DemoReport:
    users: int = 0
    proposals: int = 0
    votes: int = 0
    comments: int = 0
    replies: int = 0
    tags: int = 0
    benchmark_slug: str | None = None


class DemoDataExists(Exception):
    """The database already holds demo data: pass reset=True to replace it."""


class _NoProgress:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass


@transaction.atomic
def demo_data_generate(
    *,
    users: int,
    proposals: int,
    votes: int,
    comments: int,
    seed: int = 1,
    progress=None,
    reset: bool = False,
    benchmark_comments: int | None = None,
    now: datetime.datetime | None = None,
) -> DemoReport:
    """Fill the database with demo citizens, proposals, votes and comments; one transaction.

    Preconditions: the catalogue is loaded (the home topic and the four axes exist). Raises
    DemoDataExists when demo data is already there, unless `reset` (which deletes it first).
    `progress` is tqdm-compatible: progress(total=, desc=, unit=) is a context manager with
    update(n). Proposals on the home topic that are not demo ones (the official
    préconisations) get demo votes and comments too. One demo proposal gets exactly
    `benchmark_comments` comments (2,000 by default, when `comments` leaves room for it).
    The same arguments and seed give the same rows (ids shifted by what the tables hold).
    """
    progress = progress or _NoProgress
    if demo_data_exists():
        if not reset:
            raise DemoDataExists(
                "La base contient déjà des données de démonstration : relancez avec --reset pour les remplacer."
            )
        with progress(total=1, desc="Suppression", unit=" étape") as bar:
            demo_data_delete()
            bar.update(1)
    if benchmark_comments is None:
        benchmark_comments = BENCHMARK_COMMENTS if comments >= 2 * BENCHMARK_COMMENTS else 0
    if benchmark_comments and (proposals < 1 or benchmark_comments > comments):
        raise ValueError("benchmark_comments needs a proposal and at most `comments` comments.")
    benchmark = bool(benchmark_comments)

    # The rows are drawn from one generator, table after table: the order below is the data.
    rng = random.Random(seed)
    clock = Clock(now or timezone.now(), HISTORY_DAYS)
    topic = Topic.objects.get(is_home=True)
    theme_ids = list(Theme.objects.order_by("position").values_list("id", flat=True))
    report = DemoReport()

    User = get_user_model()
    citizens = Citizens(first_id=reserve_ids(User, users), count=users)
    password = make_password(DEMO_PASSWORD)
    report.users = copy_rows(
        User,
        UserRow,
        user_rows(rng, clock, citizens, password),
        progress=progress,
        total=users,
        desc="Utilisateurs",
    )
    copy_rows(
        EmailAddress,
        EmailAddressRow,
        email_address_rows(citizens),
        progress=progress,
        total=users,
        desc="Adresses vérifiées",
    )

    tag_ids = _tag_ids()
    report.tags = len(tag_ids)

    first_proposal = reserve_ids(Proposal, proposals)
    proposal_list, theme_list, tag_list, created = proposal_rows(
        rng,
        clock,
        first_id=first_proposal,
        count=proposals,
        benchmark=benchmark,
        citizens=citizens,
        topic_id=topic.pk,
        theme_ids=theme_ids,
        tag_ids=tag_ids,
    )
    report.proposals = copy_rows(
        Proposal, ProposalRow, proposal_list, progress=progress, total=proposals, desc="Préconisations"
    )
    copy_rows(
        Proposal.themes.through,
        ProposalThemeRow,
        theme_list,
        progress=progress,
        total=len(theme_list),
        desc="Axes",
    )
    copy_rows(
        TaggedProposal,
        TaggedProposalRow,
        tag_list,
        progress=progress,
        total=len(tag_list),
        desc="Étiquettes",
    )
    if benchmark:
        report.benchmark_slug = BENCHMARK_SLUG

    # Targets of votes and comments: demo proposals and the topic's other proposals, each
    # as (id, second it was written).
    others = (
        Proposal.objects.filter(topic=topic)
        .exclude(pk__gte=first_proposal, pk__lt=first_proposal + proposals)
        .order_by("pk")
        .values_list("pk", "created_at")
    )
    targets = [(row.id, at) for row, at in zip(proposal_list, created, strict=True)]
    targets += [(pk, clock.of(at)) for pk, at in others]
    popularity = [rng.paretovariate(PARETO_ALPHA) for _ in targets]
    if benchmark:
        popularity[0] = max(popularity)  # the big debate is among the most voted too

    # Votes: one per (proposal, user), sampled without replacement per proposal.
    vote_counts = allocate(votes, popularity, max(1, int(users * MAX_VOTERS_SHARE)))
    report.votes = copy_rows(
        Vote,
        VoteRow,
        vote_rows(rng, clock, targets=targets, counts=vote_counts, citizens=citizens),
        progress=progress,
        total=sum(vote_counts),
        desc="Votes",
    )

    comment_counts = _comment_counts(comments, benchmark_comments, popularity)
    report.comments = copy_rows(
        Comment,
        CommentRow,
        comment_rows(
            rng,
            clock,
            first_id=reserve_ids(Comment, comments),
            targets=targets,
            counts=comment_counts,
            benchmark=benchmark,
            citizens=citizens,
            report=report,
        ),
        progress=progress,
        total=sum(comment_counts),
        desc="Commentaires",
    )

    with progress(total=2, desc="Compteurs et statistiques", unit=" étape") as bar:
        proposals_recount()
        bar.update(1)
        analyze([User, EmailAddress, Tag, Proposal, Proposal.themes.through, TaggedProposal, Vote, Comment])
        bar.update(1)
    return report


def _tag_ids() -> list[int]:
    """The étiquettes of the pool, in pool order, created where missing (an existing one is
    reused, by name)."""
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name, allow_unicode=True)) for name in TAG_POOL], ignore_conflicts=True
    )
    by_name = dict(Tag.objects.filter(name__in=TAG_POOL).values_list("name", "id"))
    return [by_name[name] for name in TAG_POOL if name in by_name]


def _comment_counts(comments: int, benchmark_comments: int, popularity: list[float]) -> list[int]:
    """Comments per target, by popularity (flattened), capped at twice the mean (or just
    under the benchmark's count, when that is higher); the first target gets exactly
    `benchmark_comments` when there are any."""
    rest = comments - benchmark_comments
    weights = [w**0.8 for w in popularity]
    if benchmark_comments:
        weights[0] = 0.0
    cap = max(benchmark_comments - 1, 2 * math.ceil(rest / max(1, len(weights) - 1)), 1)
    counts = allocate(rest, weights, cap) if rest else [0] * len(weights)
    if benchmark_comments:
        counts[0] = benchmark_comments
    return counts
