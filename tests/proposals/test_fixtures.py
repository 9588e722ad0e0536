"""The official préconisations of fixtures/06_proposals.json, as loaded by `load_catalogue`.

tests/conftest.py loads every fixture once per session; these tests read those rows.
"""

import pytest
from django.core.management import call_command
from taggit.models import Tag

from proposals.models import Proposal, ProposalStatus, TaggedProposal, Topic

pytestmark = pytest.mark.django_db

HOME_TOPIC = "cooperation-europeenne-et-internationale"
OFFICIAL_COUNT = 10


def official():
    return Proposal.objects.filter(is_official=True).prefetch_related("themes", "tags")


def test_it_loads_the_official_preconisations_on_the_home_topic():
    proposals = list(official())

    assert len(proposals) == OFFICIAL_COUNT
    topic = Topic.objects.get(slug=HOME_TOPIC)
    assert topic.is_home
    assert {p.topic_id for p in proposals} == {topic.pk}


def test_every_preconisation_is_official_published_and_unvoted():
    for proposal in official():
        assert proposal.author_id is None
        assert proposal.status == ProposalStatus.PUBLISHED
        assert not proposal.is_hidden
        assert (proposal.votes_for, proposal.votes_against, proposal.comment_count) == (0, 0, 0)
        assert 0 < len(proposal.title) <= 160
        assert len(proposal.body) > 100


def test_every_preconisation_has_an_axis_and_an_etiquette():
    for proposal in official():
        assert proposal.themes.all(), proposal.slug
        assert proposal.tags.all(), proposal.slug


def test_the_preconisations_cover_the_topic_objectives():
    slugs = set(official().values_list("slug", flat=True))

    assert {
        "partenariats-villes-pratiques-innovantes",
        "presenter-et-evaluer-la-cooperation-publiquement",
        "accompagner-les-demandes-de-fonds-europeens",
        "faire-vivre-l-euroregion-pyrenees-mediterranee",
        "une-politique-de-cooperation-decentralisee-claire",
    } <= slugs
    axes = set(
        Proposal.themes.through.objects.filter(proposal__is_official=True).values_list(
            "theme__slug", flat=True
        )
    )
    assert axes == {
        "transition-ecologique",
        "demarche-democratique",
        "justice-sociale-et-solidarite",
        "vivre-en-commun",
    }


def test_it_finds_preconisations_by_etiquette():
    tagged = Proposal.objects.filter(tags__name="Eurorégion")

    assert list(tagged.values_list("slug", flat=True)) == ["faire-vivre-l-euroregion-pyrenees-mediterranee"]


def test_loading_twice_changes_nothing():
    def counts():
        return (
            Proposal.objects.count(),
            Tag.objects.count(),
            TaggedProposal.objects.count(),
            Proposal.themes.through.objects.count(),
        )

    before = counts()
    call_command("load_catalogue", verbosity=0)
    call_command("load_catalogue", verbosity=0)

    assert counts() == before
    assert official().count() == OFFICIAL_COUNT
