"""`generate_demo_data` at tiny sizes: the rows, the counters, the threads, the reset."""

import datetime
import functools
from typing import NamedTuple

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from tqdm import tqdm

from archipel.models import User
from proposals.demo import (
    BENCHMARK_SLUG,
    DEMO_EMAIL_DOMAIN,
    _allocate,
    demo_data_generate,
)
from proposals.demo.bulk import copy_rows
from proposals.models import Comment, Proposal, ProposalStatus, Topic, Vote
from proposals.services import proposals_recount

pytestmark = pytest.mark.django_db

SIZES = {"users": 50, "proposals": 20, "votes": 300, "comments": 100}
NO_PROGRESS = functools.partial(tqdm, disable=True)


def generate(*extra, **sizes):
    options = {**SIZES, **sizes}
    call_command("generate_demo_data", *extra, verbosity=0, **options)


def demo_users():
    return User.objects.filter(username__startswith="demo-")


def demo_proposals():
    return Proposal.objects.filter(slug__startswith="demo-")


def assert_counters_match_rows():
    proposals = Proposal.objects.annotate(
        n_for=Count("votes", filter=Q(votes__value="pour"), distinct=True),
        n_against=Count("votes", filter=Q(votes__value="contre"), distinct=True),
        n_comments=Count(
            "comments", filter=Q(comments__deleted_at__isnull=True, comments__is_hidden=False), distinct=True
        ),
    )
    for p in proposals:
        assert (p.votes_for, p.votes_against, p.comment_count) == (p.n_for, p.n_against, p.n_comments), p.slug


def test_it_creates_the_rows():
    generate()

    assert demo_users().count() == 50
    addresses = EmailAddress.objects.filter(user__in=demo_users())
    assert addresses.count() == 50
    assert addresses.filter(verified=True, primary=True).count() == 50
    assert all(u.email.endswith(f"@{DEMO_EMAIL_DOMAIN}") and u.display_name for u in demo_users())
    assert demo_proposals().count() == 20
    home = Topic.objects.get(is_home=True)
    assert set(demo_proposals().values_list("topic", flat=True)) == {home.pk}
    assert not demo_proposals().filter(is_official=True).exists()
    assert Vote.objects.filter(user__in=demo_users()).count() == 300
    assert Comment.objects.filter(author__in=demo_users()).count() == 100


def test_every_demo_proposal_has_an_axis_an_etiquette_and_an_author():
    generate()

    for proposal in demo_proposals().prefetch_related("themes", "tags"):
        assert proposal.author.username.startswith("demo-")
        assert proposal.themes.all()
        assert proposal.tags.all()
        assert proposal.status in ProposalStatus.values


def test_the_counters_equal_the_rows():
    generate()

    assert_counters_match_rows()
    assert Proposal.objects.filter(votes_for__gt=0).exists()
    assert Proposal.objects.filter(comment_count__gt=0).exists()
    assert proposals_recount() == 0  # already right: nothing rewritten


def test_replies_are_one_level_deep_on_the_same_proposal():
    generate()

    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.exists()
    for reply in replies:
        assert reply.parent.parent_id is None
        assert reply.parent.proposal_id == reply.proposal_id
        assert reply.created_at >= reply.parent.created_at
    assert 0.15 < replies.count() / Comment.objects.count() < 0.45


def test_votes_are_unique_per_proposal_and_user():
    generate()

    duplicates = Vote.objects.values("proposal", "user").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()


def test_popularity_is_skewed():
    generate(users=1000, votes=3000)

    counts = sorted(Proposal.objects.values_list("votes_for", "votes_against"), key=sum, reverse=True)
    assert sum(counts[0]) >= 3 * max(1, sum(counts[len(counts) // 2]))


def test_a_second_run_without_reset_is_refused_and_writes_nothing():
    generate()
    before = (User.objects.count(), Proposal.objects.count(), Vote.objects.count(), Comment.objects.count())

    with pytest.raises(CommandError, match="--reset"):
        generate()

    assert (
        User.objects.count(),
        Proposal.objects.count(),
        Vote.objects.count(),
        Comment.objects.count(),
    ) == before


def test_reset_replaces_the_demo_data_and_keeps_the_rest(citizen):
    official = Proposal.objects.filter(is_official=True).count()
    generate()

    generate("--reset", users=30, proposals=5, votes=40, comments=20)

    assert demo_users().count() == 30
    assert demo_proposals().count() == 5
    assert Vote.objects.count() == 40
    assert Comment.objects.count() == 20
    assert EmailAddress.objects.filter(user__in=demo_users()).count() == 30
    assert Proposal.objects.filter(is_official=True).count() == official
    assert User.objects.filter(pk=citizen.pk).exists()
    assert_counters_match_rows()


def test_the_same_seed_gives_the_same_data():
    generate()
    first = list(demo_proposals().order_by("pk").values_list("title", "status", "votes_for", "comment_count"))

    generate("--reset")

    assert (
        list(demo_proposals().order_by("pk").values_list("title", "status", "votes_for", "comment_count"))
        == first
    )


def test_the_benchmark_proposal_has_exactly_the_comments_asked():
    report = demo_data_generate(
        users=40, proposals=10, votes=100, comments=120, seed=3, benchmark_comments=60
    )

    assert report.benchmark_slug == BENCHMARK_SLUG
    proposal = Proposal.objects.get(slug=BENCHMARK_SLUG)
    assert proposal.comments.count() == 60
    assert proposal.comment_count == 60
    assert Comment.objects.count() == 120


def test_allocate_splits_the_total_under_the_cap():
    counts = _allocate(1000, [10.0, 1.0, 1.0, 0.5], cap=400)

    assert sum(counts) == 1000
    assert max(counts) == 400
    assert _allocate(10, [1.0, 1.0], cap=3) == [3, 3]  # more than the cap allows: capped


def test_counters_recompute_can_be_limited_to_some_proposals():
    generate()
    first, second = demo_proposals().filter(votes_for__gt=0).order_by("pk")[:2]
    Proposal.objects.filter(pk__in=[first.pk, second.pk]).update(
        votes_for=0, votes_against=0, comment_count=0
    )

    assert proposals_recount([first.pk]) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.votes_for > 0
    assert second.votes_for == 0


def test_the_same_seed_gives_the_same_rows_in_every_table():
    now = datetime.datetime(2025, 3, 14, 15, 0, tzinfo=datetime.UTC)

    def rows():
        return (
            list(demo_users().order_by("pk").values_list("username", "display_name", "date_joined")),
            list(
                demo_proposals()
                .order_by("pk")
                .values_list(
                    "slug", "body", "status", "answered_at", "is_hidden", "created_at", "author__username"
                )
            ),
            list(
                Vote.objects.order_by("pk").values_list(
                    "proposal__slug", "user__username", "value", "created_at"
                )
            ),
            list(
                Comment.objects.order_by("pk").values_list(
                    "proposal__slug",
                    "author__username",
                    "parent__body",
                    "body",
                    "alignment",
                    "created_at",
                    "edited_at",
                    "deleted_at",
                    "is_hidden",
                )
            ),
        )

    demo_data_generate(**SIZES, seed=5, now=now)
    first = rows()
    demo_data_generate(**SIZES, seed=5, now=now, reset=True)

    assert rows() == first


def test_copy_rows_refuses_a_field_that_is_no_column_and_writes_nothing():
    class WrongVoteRow(NamedTuple):
        proposal_id: int
        colour: str

    with pytest.raises(ValueError, match="colour"):
        copy_rows(Vote, WrongVoteRow, [WrongVoteRow(1, "bleu")], progress=NO_PROGRESS, total=1, desc="")

    assert not Vote.objects.exists()
