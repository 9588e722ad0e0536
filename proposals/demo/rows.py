"""The rows of the demo data: one NamedTuple per table, whose fields are the table's column
names (`bulk.copy_rows` writes them), and one function per table that builds them.

Every function draws from the random generator `rng` in a fixed order, and the caller
calls them in a fixed order: the same seed gives the same rows.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.text import slugify

from proposals.models import Alignment, ProposalStatus, VoteValue

from .reset import DEMO_EMAIL_DOMAIN, DEMO_PREFIX
from .sampling import Clock, skewed_index
from .words import (
    BENCHMARK_TITLE,
    BODY_SENTENCES,
    COMMENT_SENTENCES,
    FIRST_NAMES,
    HIDDEN_COMMENT_REASON,
    HIDDEN_PROPOSAL_REASON,
    OFFICIAL_ANSWERS,
    REPLY_OPENINGS,
    STATUS_WEIGHTS,
    SURNAME_INITIALS,
    TITLE_OBJECTS,
    TITLE_PLACES,
    TITLE_VERBS,
)

BENCHMARK_SLUG = "demo-grand-debat-2000-commentaires"
REPLY_SHARE = 0.3
ALIGNMENTS = [Alignment.FOR, Alignment.AGAINST, Alignment.NEUTRAL]


class UserRow(NamedTuple):
    id: int
    password: str
    last_login: str | None
    is_superuser: bool
    username: str
    first_name: str
    last_name: str
    email: str
    is_staff: bool
    is_active: bool
    date_joined: str
    display_name: str


class EmailAddressRow(NamedTuple):
    email: str
    verified: bool
    primary: bool
    user_id: int


class ProposalRow(NamedTuple):
    id: int
    title: str
    slug: str
    body: str
    is_official: bool
    status: str
    official_answer: str
    answered_at: str | None
    votes_for: int
    votes_against: int
    comment_count: int
    is_hidden: bool
    hidden_reason: str
    created_at: str
    updated_at: str
    author_id: int
    topic_id: int


class ProposalThemeRow(NamedTuple):
    proposal_id: int
    theme_id: int


class TaggedProposalRow(NamedTuple):
    content_object_id: int
    tag_id: int


class VoteRow(NamedTuple):
    value: str
    created_at: str
    updated_at: str
    proposal_id: int
    user_id: int


class CommentRow(NamedTuple):
    id: int
    body: str
    alignment: str
    created_at: str
    edited_at: str | None
    deleted_at: str | None
    is_hidden: bool
    hidden_reason: str
    author_id: int
    parent_id: int | None
    proposal_id: int


@dataclass(frozen=True)
class Citizens:
    """The demo users: `count` consecutive ids from `first_id` on."""

    first_id: int
    count: int

    def author(self, rng: random.Random) -> int:
        """The author of a proposal or comment: a few very active people write much of it."""
        return self.first_id + skewed_index(rng, self.count)

    def sample(self, rng: random.Random, k: int) -> list[int]:
        """`k` distinct citizens."""
        return [self.first_id + i for i in rng.sample(range(self.count), k)]


def demo_username(index: int) -> str:
    return f"{DEMO_PREFIX}{index + 1:06d}"


def demo_email(index: int) -> str:
    return f"{demo_username(index)}@{DEMO_EMAIL_DOMAIN}"


# Users ---------------------------------------------------------------------------------------


def user_rows(rng: random.Random, clock: Clock, citizens: Citizens, password: str) -> Iterator[UserRow]:
    """The demo citizens, joined over the history in id order; `password` is one hash for all."""
    joined = sorted(clock.between(rng, 0) for _ in range(citizens.count))
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAME_INITIALS)}." for _ in range(citizens.count)]
    # Display names are unique (archipel.models.User.name_key): "Marie D.", "Marie D. 2"…
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name} {seen[name]}"
    for i in range(citizens.count):
        yield UserRow(
            id=citizens.first_id + i,
            password=password,
            last_login=None,
            is_superuser=False,
            username=demo_username(i),
            first_name="",
            last_name="",
            email=demo_email(i),
            is_staff=False,
            is_active=True,
            date_joined=clock.text(joined[i]),
            display_name=names[i],
        )


def email_address_rows(citizens: Citizens) -> Iterator[EmailAddressRow]:
    """Each citizen's address, verified and primary: allauth lets them vote and comment."""
    for i in range(citizens.count):
        yield EmailAddressRow(email=demo_email(i), verified=True, primary=True, user_id=citizens.first_id + i)


# Proposals, their axes and étiquettes --------------------------------------------------------


def proposal_rows(
    rng: random.Random,
    clock: Clock,
    *,
    first_id: int,
    count: int,
    benchmark: bool,
    citizens: Citizens,
    topic_id: int,
    theme_ids: list[int],
    tag_ids: list[int],
) -> tuple[list[ProposalRow], list[ProposalThemeRow], list[TaggedProposalRow], list[int]]:
    """`count` préconisations on the topic, each with its axes and étiquettes (the first is
    the benchmark one when `benchmark`): the three tables' rows, and the second of the
    history at which each préconisation was written."""
    tag_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tag_ids))]  # the first ones, more
    proposals, themes, tags, created = [], [], [], []
    for i in range(count):
        proposal, at = proposal_row(
            rng,
            clock,
            proposal_id=first_id + i,
            index=i,
            benchmark=benchmark and i == 0,
            citizens=citizens,
            topic_id=topic_id,
        )
        proposals.append(proposal)
        created.append(at)
        themes += proposal_theme_rows(rng, proposal.id, theme_ids)
        tags += tagged_proposal_rows(rng, proposal.id, tag_ids, tag_weights)
    return proposals, themes, tags, created


def proposal_row(
    rng: random.Random,
    clock: Clock,
    *,
    proposal_id: int,
    index: int,
    benchmark: bool,
    citizens: Citizens,
    topic_id: int,
) -> tuple[ProposalRow, int]:
    """One préconisation and the second it was written. The benchmark one is published,
    visible, written mid-way through the history; a few others are hidden, and those
    under study, adopted or rejected have an official answer."""
    if benchmark:
        title, slug = BENCHMARK_TITLE, BENCHMARK_SLUG
        status, hidden = ProposalStatus.PUBLISHED, False
    else:
        title = f"{rng.choice(TITLE_VERBS)} {rng.choice(TITLE_OBJECTS)} {rng.choice(TITLE_PLACES)}"
        slug = f"{demo_username(index)}-{slugify(title)[:80].rstrip('-')}"
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        hidden = rng.random() < 0.003
    body = " ".join(rng.sample(BODY_SENTENCES, rng.randint(2, 4)))
    at = clock.span // 2 if benchmark else clock.between(rng, 0, clock.span - 3600)
    answer, answered_at = OFFICIAL_ANSWERS.get(status, ""), None
    if answer:
        answered_at = clock.text(clock.between(rng, at, min(clock.span, at + 90 * 86400)))
    author_id = citizens.author(rng)
    row = ProposalRow(
        id=proposal_id,
        title=title,
        slug=slug,
        body=body,
        is_official=False,
        status=status,
        official_answer=answer,
        answered_at=answered_at,
        votes_for=0,  # the counters are recomputed from the rows at the end
        votes_against=0,
        comment_count=0,
        is_hidden=hidden,
        hidden_reason=HIDDEN_PROPOSAL_REASON if hidden else "",
        created_at=clock.text(at),
        updated_at=answered_at or clock.text(at),
        author_id=author_id,
        topic_id=topic_id,
    )
    return row, at


def proposal_theme_rows(rng: random.Random, proposal_id: int, theme_ids: list[int]) -> list[ProposalThemeRow]:
    """One to three axes, one or two most often."""
    count = min(len(theme_ids), rng.choice((1, 1, 2, 2, 3)))
    return [
        ProposalThemeRow(proposal_id=proposal_id, theme_id=theme) for theme in rng.sample(theme_ids, count)
    ]


def tagged_proposal_rows(
    rng: random.Random, proposal_id: int, tag_ids: list[int], tag_weights: list[float]
) -> list[TaggedProposalRow]:
    """One to four étiquettes, drawn by their weights."""
    chosen = set()
    while len(chosen) < min(len(tag_ids), rng.randint(1, 4)):
        chosen.add(rng.choices(tag_ids, tag_weights)[0])
    return [TaggedProposalRow(content_object_id=proposal_id, tag_id=tag) for tag in sorted(chosen)]


# Votes and comments --------------------------------------------------------------------------


def vote_rows(
    rng: random.Random,
    clock: Clock,
    *,
    targets: list[tuple[int, int]],
    counts: list[int],
    citizens: Citizens,
) -> Iterator[VoteRow]:
    """counts[i] votes on targets[i] (a préconisation's id and the second it was written),
    by distinct citizens, after it was written; each préconisation has its own support."""
    for (proposal_id, at), count in zip(targets, counts, strict=True):
        support = rng.betavariate(2.2, 1.4)
        for user_id in citizens.sample(rng, count):
            value = VoteValue.FOR if rng.random() < support else VoteValue.AGAINST
            when = clock.text(clock.between(rng, at))
            yield VoteRow(
                value=value, created_at=when, updated_at=when, proposal_id=proposal_id, user_id=user_id
            )


def comment_rows(
    rng: random.Random,
    clock: Clock,
    *,
    first_id: int,
    targets: list[tuple[int, int]],
    counts: list[int],
    benchmark: bool,
    citizens: Citizens,
    report,
) -> Iterator[CommentRow]:
    """counts[i] comments on targets[i] (a préconisation's id and the second it was
    written), ids from `first_id` on: about 70 % top level, the others replies to a top-level
    comment of the same préconisation, written after it (one level deep). When `benchmark`,
    the first target is the benchmark préconisation. Adds the replies to `report.replies`."""
    next_id = first_id
    for index, ((proposal_id, at), count) in enumerate(zip(targets, counts, strict=True)):
        if not count:
            continue
        replies = min(count - 1, int(count * REPLY_SHARE + rng.random()))
        on_benchmark = benchmark and index == 0
        top_level = []
        for moment in sorted(clock.between(rng, at) for _ in range(count - replies)):
            top_level.append((next_id, moment))
            alignment = rng.choice(ALIGNMENTS) if rng.random() < 0.2 else ""
            body = " ".join(rng.sample(COMMENT_SENTENCES, rng.randint(1, 3)))
            yield comment_row(
                rng,
                clock,
                comment_id=next_id,
                proposal_id=proposal_id,
                parent_id=None,
                moment=moment,
                alignment=alignment,
                body=body,
                on_benchmark=on_benchmark,
                citizens=citizens,
            )
            next_id += 1
        for _ in range(replies):
            parent_id, parent_at = rng.choice(top_level)
            moment = clock.between(rng, parent_at)
            body = f"{rng.choice(REPLY_OPENINGS)} {rng.choice(COMMENT_SENTENCES)}"
            report.replies += 1
            yield comment_row(
                rng,
                clock,
                comment_id=next_id,
                proposal_id=proposal_id,
                parent_id=parent_id,
                moment=moment,
                alignment="",
                body=body,
                on_benchmark=on_benchmark,
                citizens=citizens,
            )
            next_id += 1


def comment_row(
    rng: random.Random,
    clock: Clock,
    *,
    comment_id: int,
    proposal_id: int,
    parent_id: int | None,
    moment: int,
    alignment: str,
    body: str,
    on_benchmark: bool,
    citizens: Citizens,
) -> CommentRow:
    """One comment; outside the benchmark préconisation a few are edited, deleted or hidden."""
    edited = deleted = None
    hidden, reason = False, ""
    if not on_benchmark:
        draw = rng.random()
        if draw < 0.005:
            deleted, body, alignment = clock.text(clock.between(rng, moment)), "", ""
        elif draw < 0.007:
            hidden, reason = True, HIDDEN_COMMENT_REASON
        elif draw < 0.04:
            edited = clock.text(clock.between(rng, moment, moment + 3600))
    author_id = citizens.author(rng)
    return CommentRow(
        id=comment_id,
        body=body,
        alignment=alignment,
        created_at=clock.text(moment),
        edited_at=edited,
        deleted_at=deleted,
        is_hidden=hidden,
        hidden_reason=reason,
        author_id=author_id,
        parent_id=parent_id,
        proposal_id=proposal_id,
    )
