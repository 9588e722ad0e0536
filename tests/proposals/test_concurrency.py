"""Proposals written at the same moment (real threads, real commits on PostgreSQL):
one title proposed by many citizens at once gets distinct slugs and no error; one
citizen's double submission publishes one préconisation."""

import pytest
from django.core.management import call_command
from django.test import Client

from proposals import services
from proposals.models import Proposal, Topic
from tests.factories import VerifiedUserFactory
from tests.threads import run_at_once

TITLE = "Des jumelages pour le climat"
BODY = "Que chaque jumelage porte un projet pour le climat."


@pytest.fixture
def catalogue(transactional_db):
    """Transactional tests end with a flush: put the session's catalogue back first."""
    call_command("load_catalogue", verbosity=0)
    return Topic.objects.get(is_home=True)


@pytest.mark.django_db(transaction=True)
def test_it_gives_distinct_slugs_to_one_title_proposed_by_many_citizens_at_once(catalogue):
    users = [VerifiedUserFactory(username=f"foule{n}") for n in range(8)]

    def propose(user):
        return lambda: services.proposal_create(user=user, topic=catalogue, title=TITLE, body=BODY)

    results, errors = run_at_once([propose(user) for user in users])

    assert errors == []
    proposals = Proposal.objects.filter(title=TITLE)
    assert proposals.count() == 8
    assert {p.author for p in proposals} == set(users)
    slugs = sorted(p.slug for p in proposals)
    assert slugs == sorted(
        ["des-jumelages-pour-le-climat"] + [f"des-jumelages-pour-le-climat-{n}" for n in range(2, 9)]
    )
    assert sorted(p.slug for p in results) == slugs


@pytest.mark.django_db(transaction=True)
def test_one_citizen_submitting_the_same_proposal_many_times_at_once_publishes_one(catalogue):
    user = VerifiedUserFactory(username="double-clic")

    results, errors = run_at_once(
        [lambda: services.proposal_create(user=user, topic=catalogue, title=TITLE, body=BODY)] * 8
    )

    assert errors == []
    proposal = Proposal.objects.get(author=user)
    assert proposal.slug == "des-jumelages-pour-le-climat"
    assert {p.pk for p in results} == {proposal.pk}


@pytest.mark.django_db(transaction=True)
def test_a_double_submission_through_the_form_redirects_every_request_to_the_one_proposal(
    catalogue, settings
):
    settings.ARCHIPEL_RATE_LIMITS = {"propose": (20, 3600)}
    user = VerifiedUserFactory(username="double-clic")
    data = {"title": TITLE, "body": BODY, "tags": "climat", "themes": ["justice-sociale-et-solidarite"]}

    def submit():
        client = Client()
        client.force_login(user)
        return client.post("/preconisations/proposer/", data)

    responses, errors = run_at_once([submit] * 6)

    assert errors == []
    proposal = Proposal.objects.get(author=user)
    assert [response.status_code for response in responses] == [302] * 6
    assert {response["Location"] for response in responses} == {proposal.get_absolute_url()}
    assert list(proposal.tags.names()) == ["climat"]


def test_the_same_text_again_later_or_by_someone_else_is_a_new_proposal(db, verified_citizen, author):
    topic = Topic.objects.get(is_home=True)
    first = services.proposal_create(user=verified_citizen, topic=topic, title=TITLE, body=BODY)
    other_body = services.proposal_create(
        user=verified_citizen, topic=topic, title=TITLE, body=BODY + " Vite."
    )
    other_author = services.proposal_create(user=author, topic=topic, title=TITLE, body=BODY)
    Proposal.objects.filter(pk=first.pk).update(created_at=first.created_at - services.DUPLICATE_WINDOW)
    later = services.proposal_create(user=verified_citizen, topic=topic, title=TITLE, body=BODY)

    assert len({first.pk, other_body.pk, other_author.pk, later.pk}) == 4
    assert Proposal.objects.filter(title=TITLE).count() == 4


@pytest.mark.django_db
def test_a_title_that_reads_as_one_of_the_lists_addresses_gets_another(client):
    """/preconisations/flux/ is the feed and /preconisations/proposer/ the form: a
    préconisation titled "Flux" or "Proposer" is published at -2."""
    topic = Topic.objects.get(is_home=True)
    author = VerifiedUserFactory(username="titreuse")
    for title in ["Flux", "Proposer"]:
        proposal = services.proposal_create(
            user=author, topic=topic, title=title, body=f"{title} : le texte."
        )
        assert proposal.slug == f"{title.lower()}-2"
    assert client.get("/preconisations/flux/")["Content-Type"].startswith("application/atom+xml")
