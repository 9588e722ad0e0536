"""Answer deadlines: a préconisation reaching ANSWER_THRESHOLD votes pour gets an official
answer within ANSWER_DELAY_DAYS days; its page, the list's filters, staff's reminder,
the open data and the API say where it stands."""

import csv
import datetime
import importlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from archipel.roles import ANSWER_MANAGER
from proposals import services, tasks
from proposals.models import Proposal, ProposalStatus
from tests.factories import VerifiedUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.ANSWER_THRESHOLD = 3
    settings.ANSWER_DELAY_DAYS = 60


def _vote(proposal, count, value="pour"):
    voters = VerifiedUserFactory.create_batch(count)
    for voter in voters:
        services.vote_cast(proposal=proposal, user=voter, value=value)
    return voters


def _page(client, proposal) -> str:
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    return visible_text(response)


def _deadline(proposal, *, due_in: datetime.timedelta, answered: bool = False) -> Proposal:
    """Set the proposal's deadline as if the threshold had been reached earlier."""
    now = timezone.now()
    proposal.answer_due_at = now + due_in
    proposal.threshold_reached_at = proposal.answer_due_at - 60 * DAY
    proposal.answered_at = now if answered else None
    proposal.save()
    return proposal


# Reaching the threshold ------------------------------------------------------------------


def test_the_vote_that_reaches_the_threshold_sets_the_dates_once(proposal):
    _vote(proposal, 2)
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is None and proposal.answer_due_at is None

    before = timezone.now()
    third = _vote(proposal, 1)[0]
    proposal.refresh_from_db()
    reached = proposal.threshold_reached_at
    assert before <= reached <= timezone.now()
    assert proposal.answer_due_at == reached + 60 * DAY

    _vote(proposal, 2)  # more votes pour: the dates stay
    services.vote_withdraw(proposal=proposal, user=third)
    services.vote_cast(proposal=proposal, user=_vote(proposal, 1, "contre")[0], value="contre")
    proposal.refresh_from_db()
    assert (proposal.threshold_reached_at, proposal.answer_due_at) == (reached, reached + 60 * DAY)


def test_withdrawn_votes_do_not_unset_the_deadline(proposal):
    voters = _vote(proposal, 3)
    for voter in voters:
        services.vote_withdraw(proposal=proposal, user=voter)
    proposal.refresh_from_db()
    assert proposal.votes_for == 0
    assert proposal.threshold_reached_at is not None and proposal.answer_due_at is not None


def test_votes_contre_and_a_vote_changed_to_pour_count_as_they_are(proposal):
    contre = _vote(proposal, 3, "contre")
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is None
    for voter in contre:
        services.vote_cast(proposal=proposal, user=voter, value="pour")
    proposal.refresh_from_db()
    assert proposal.votes_for == 3 and proposal.threshold_reached_at is not None


def test_voting_over_http_reaches_the_threshold(proposal):
    _vote(proposal, 2)
    client = Client()
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/preconisations/{proposal.slug}/vote/", {"value": "pour"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is not None


def test_answering_sets_answered_at_once_and_a_status_alone_does_not(proposal):
    services.proposal_answer(proposal=proposal, status=ProposalStatus.UNDER_STUDY, answer="", notify=False)
    proposal.refresh_from_db()
    assert proposal.answered_at is None

    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.", notify=False)
    proposal.refresh_from_db()
    first = proposal.answered_at
    assert first is not None

    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui !", notify=False)
    proposal.refresh_from_db()
    assert proposal.answered_at == first and proposal.official_answer == "Oui !"


# The page --------------------------------------------------------------------------------


def test_the_page_shows_the_progress_to_the_threshold(client, proposal):
    _vote(proposal, 2)
    text = _page(client, proposal)
    assert "2 votes pour sur 3 pour obtenir une réponse officielle" in text
    assert 'value="66"' in client.get(proposal.get_absolute_url()).content.decode()


def test_the_page_shows_the_due_date_once_reached_and_says_withdrawals_keep_it(client, proposal):
    _vote(proposal, 3)
    proposal.refresh_from_db()
    text = _page(client, proposal)
    due = timezone.localtime(proposal.answer_due_at)
    assert f"Réponse attendue avant le {due.day} " in text
    assert str(due.year) in text
    assert "Ce délai court même si des votes sont retirés ensuite." in text
    assert "pour obtenir une réponse officielle" not in text


def test_the_page_says_when_the_answer_is_late(client, proposal):
    _deadline(proposal, due_in=-3 * DAY)
    due = timezone.localtime(proposal.answer_due_at)
    assert f"Réponse en retard depuis le {due.day} " in _page(client, proposal)


def test_the_page_says_when_it_was_answered(client, proposal):
    _deadline(proposal, due_in=-3 * DAY)
    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.", notify=False)
    proposal.refresh_from_db()
    text = _page(client, proposal)
    assert f"Répondue le {timezone.localtime(proposal.answered_at).day} " in text
    assert "en retard" not in text


# The list's filters ----------------------------------------------------------------------


@pytest.fixture
def three_states(proposal):
    topic = proposal.topic
    expected = _deadline(
        Proposal.objects.create(topic=topic, title="Attendue", slug="attendue", body="…"), due_in=10 * DAY
    )
    late = _deadline(
        Proposal.objects.create(topic=topic, title="En retard", slug="en-retard", body="…"), due_in=-DAY
    )
    answered = _deadline(
        Proposal.objects.create(topic=topic, title="Répondue", slug="repondue", body="…"),
        due_in=-DAY,
        answered=True,
    )
    return expected, late, answered


def test_the_list_filters_expected_and_late_answers(client, three_states, proposal):
    text = visible_text(client.get("/preconisations/?reponse=attendue"))
    assert "Attendue" in text and "En retard" not in text and "Répondue" not in text
    assert proposal.title not in text
    assert 'name="reponse"' in client.get("/preconisations/").content.decode()  # offered in the form
    text = visible_text(client.get("/preconisations/?reponse=en-retard"))
    assert "En retard" in text and "Attendue" not in text and "Répondue" not in text


def test_the_api_filters_the_same_way(client, three_states):
    data = client.get("/api/preconisations/?reponse=en-retard").json()
    assert [row["slug"] for row in data["results"]] == ["en-retard"]
    data = client.get("/api/preconisations/?reponse=attendue").json()
    assert [row["slug"] for row in data["results"]] == ["attendue"]


def test_an_unknown_answer_filter_is_a_400(client):
    response = client.get("/preconisations/?reponse=bientot")
    assert response.status_code == 400
    assert "Certains filtres n’ont pas été appliqués" in visible_text(response)
    response = client.get("/api/preconisations/?reponse=bientot")
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.json()["errors"]["reponse"][0]


# Staff's reminder ------------------------------------------------------------------------


@pytest.fixture
def answer_manager():
    manager = VerifiedUserFactory(email="reponses@example.org", is_staff=True)
    manager.groups.add(Group.objects.get(name=ANSWER_MANAGER))
    return manager


def test_the_group_name_is_the_roles_one():
    assert tasks.ANSWER_MANAGER_GROUP == ANSWER_MANAGER


def test_the_reminder_tells_the_answer_managers_once(proposal, answer_manager, jobs, admin_user):
    _deadline(proposal, due_in=5 * DAY)
    far = _deadline(
        Proposal.objects.create(topic=proposal.topic, title="Loin", slug="loin", body="…"), due_in=30 * DAY
    )
    late = _deadline(
        Proposal.objects.create(topic=proposal.topic, title="Passée", slug="passee", body="…"), due_in=-DAY
    )
    answered = _deadline(
        Proposal.objects.create(topic=proposal.topic, title="Faite", slug="faite", body="…"),
        due_in=2 * DAY,
        answered=True,
    )

    tasks.answer_reminders(timestamp=int(timezone.now().timestamp()))
    jobs.run()
    assert [message.to for message in mail.outbox] == [["reponses@example.org"]]
    assert proposal.title in mail.outbox[0].subject
    assert proposal.get_absolute_url() in mail.outbox[0].body
    proposal.refresh_from_db()
    assert proposal.answer_reminded_at is not None
    for other in (far, late, answered):
        other.refresh_from_db()
        assert other.answer_reminded_at is None

    tasks.answer_reminders(timestamp=int(timezone.now().timestamp()))  # run again: nobody told twice
    jobs.run()
    assert len(mail.outbox) == 1


def test_without_answer_managers_the_superusers_are_reminded(proposal, jobs, admin_user):
    _deadline(proposal, due_in=2 * DAY)
    assert tasks.answer_reminders_send() == 1
    jobs.run()
    assert [message.to for message in mail.outbox] == [[admin_user.email]]


def test_the_reminder_is_a_daily_periodic_task():
    from procrastinate.contrib.django import app

    periodic = [
        task
        for task in app.periodic_registry.periodic_tasks.values()
        if task.periodic_id == "answer-reminders"
    ]
    assert periodic and periodic[0].task.name == "proposals.answer_reminders"


# Open data and API -----------------------------------------------------------------------


def test_the_open_data_and_the_api_carry_the_dates(client, proposal):
    _deadline(proposal, due_in=-DAY, answered=True)
    proposal.refresh_from_db()
    plain = Proposal.objects.create(topic=proposal.topic, title="Sans seuil", slug="sans-seuil", body="…")

    def iso(moment):
        return timezone.localtime(moment).isoformat(timespec="seconds")

    rows = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(client.get("/donnees/preconisations.csv").content.decode()))
    }
    row = rows[proposal.slug]
    assert row["threshold_reached_at"] == iso(proposal.threshold_reached_at)
    assert row["answer_due_at"] == iso(proposal.answer_due_at)
    assert row["answered_at"] == iso(proposal.answered_at)
    assert (rows[plain.slug]["threshold_reached_at"], rows[plain.slug]["answer_due_at"]) == ("", "")

    detail = client.get(f"/api/preconisations/{proposal.slug}/").json()
    assert detail["threshold_reached_at"] is not None and detail["answer_due_at"] is not None
    assert datetime.datetime.fromisoformat(detail["answer_due_at"]) == proposal.answer_due_at
    assert datetime.datetime.fromisoformat(detail["answered_at"]) == proposal.answered_at
    empty = client.get(f"/api/preconisations/{plain.slug}/").json()
    assert (empty["threshold_reached_at"], empty["answer_due_at"], empty["answered_at"]) == (None, None, None)


# The migration's data step ----------------------------------------------------------------


def test_the_migration_dates_existing_proposals_from_their_votes(proposal):
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("proposals.migrations.0004_answer_deadlines")
    voters = _vote(proposal, 4)
    below = Proposal.objects.create(topic=proposal.topic, title="Deux", slug="deux", body="…")
    _vote(below, 2)
    _vote(below, 2, "contre")
    status_only = Proposal.objects.create(topic=proposal.topic, title="Statut", slug="statut", body="…")
    Proposal.objects.filter(pk=status_only.pk).update(answered_at=timezone.now())
    Proposal.objects.update(threshold_reached_at=None, answer_due_at=None)
    third_vote = proposal.votes.get(user=voters[2])

    migration.compute_deadlines(apps, SimpleNamespace(connection=connection))

    proposal.refresh_from_db()
    assert proposal.threshold_reached_at == third_vote.updated_at
    assert proposal.answer_due_at == third_vote.updated_at + 60 * DAY
    below.refresh_from_db()
    status_only.refresh_from_db()
    assert below.threshold_reached_at is None and below.answer_due_at is None
    assert status_only.answered_at is None  # a status without an answer text did not answer
