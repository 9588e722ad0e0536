import pytest
from django.core.management import call_command

from proposals import services
from proposals.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def test_reloading_keeps_what_participation_changed(verified_citizen):
    citizen = verified_citizen
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    services.vote_cast(proposal=proposal, user=citizen, value="pour")
    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Retenue en conseil.")

    call_command("load_catalogue", verbosity=0)

    proposal.refresh_from_db()
    assert proposal.votes_for == 1
    assert proposal.status == ProposalStatus.ADOPTED and proposal.official_answer == "Retenue en conseil."


def test_reloading_leaves_a_deleted_initial_proposal_deleted():
    # Each seed file is applied once (archipel.seeds): what staff deleted stays deleted.
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    slug = proposal.slug
    proposal.delete()
    call_command("load_catalogue", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    assert not Proposal.objects.filter(slug=slug).exists()
