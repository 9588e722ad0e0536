"""Sending through a real SMTP conversation: one connection for many recipients, each
marked sent as soon as the server accepts it, temporary failures retried with backoff,
permanent ones recorded, a silent server given up after EMAIL_TIMEOUT."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailing.models import MAX_ATTEMPTS, Delivery, DeliveryState, Message, MessageKind
from mailing.services import Recipient, deliveries_add, deliveries_retry, mail_one, message_create
from mailing.tasks import deliveries_send
from proposals.models import VoteValue
from proposals.services import proposal_answer, vote_cast
from tests.mailing.smtp import SilentServer, free_port

pytestmark = pytest.mark.django_db


def _answered_proposal(proposal_factory, verified_user_factory, voters=3):
    author = verified_user_factory(username="autrice")
    proposal = proposal_factory(author=author)
    for n in range(voters):
        vote_cast(proposal=proposal, user=verified_user_factory(username=f"votant{n}"), value=VoteValue.FOR)
    return proposal


def test_it_tells_the_author_and_each_voter_once_over_one_connection(
    smtp_server, jobs, proposal_factory, verified_user_factory
):
    proposal = _answered_proposal(proposal_factory, verified_user_factory)

    proposal_answer(proposal=proposal, status="retenue", answer="Nous l’inscrivons au budget 2027.")

    assert smtp_server.handler.messages == []  # nothing leaves inside the write
    jobs.run()
    assert smtp_server.handler.recipients() == {
        "autrice@example.org": 1,
        "votant0@example.org": 1,
        "votant1@example.org": 1,
        "votant2@example.org": 1,
    }
    assert smtp_server.handler.connections == 1
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    message = smtp_server.handler.messages[0][1]
    assert "Nous l’inscrivons au budget 2027." in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://")


def test_running_the_jobs_again_tells_nobody_twice(
    smtp_server, jobs, proposal_factory, verified_user_factory
):
    proposal = _answered_proposal(proposal_factory, verified_user_factory)
    proposal_answer(proposal=proposal, status="retenue", answer="Oui.")
    jobs.run()
    message = Message.objects.get(kind=MessageKind.ANSWER)

    # The fan-out run a second time (a retried job) and a sweep add and send nothing.
    assert deliveries_add(message=message, recipients=[Recipient("votant0@example.org")]) == 0
    assert deliveries_send() == 0
    assert sum(smtp_server.handler.recipients().values()) == 4


def test_citizens_who_turned_answers_off_are_not_told(
    smtp_server, jobs, proposal_factory, verified_user_factory
):
    proposal = _answered_proposal(proposal_factory, verified_user_factory)
    type(proposal.author).objects.filter(username="votant1").update(email_answers=False)

    proposal_answer(proposal=proposal, status="retenue", answer="Oui.")
    jobs.run()

    assert "votant1@example.org" not in smtp_server.handler.recipients()
    assert len(smtp_server.handler.recipients()) == 3


def test_a_temporary_refusal_is_retried_later_then_sent(smtp_server):
    message = mail_one(
        kind=MessageKind.ACCOUNT, recipient=Recipient("camille@example.org"), subject="Objet", body="Texte"
    )
    smtp_server.handler.temporary_failures = 1

    assert deliveries_send() == 0
    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("451")
    assert delivery.next_attempt_at > timezone.now()  # backoff: not due again at once
    assert deliveries_send() == 0

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries_send() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert smtp_server.handler.recipients() == {"camille@example.org": 1}


def test_a_permanent_refusal_is_recorded_and_the_others_still_go(smtp_server):
    message = message_create(kind=MessageKind.BULLETIN, subject="Bulletin", body="Nouvelles")
    deliveries_add(
        message=message,
        recipients=[Recipient("a@example.org"), Recipient("inconnu@example.org"), Recipient("b@example.org")],
    )
    smtp_server.handler.refused = {"inconnu@example.org"}

    assert deliveries_send() == 2

    refused = Delivery.objects.get(address="inconnu@example.org")
    assert refused.state == DeliveryState.FAILED
    assert refused.last_error.startswith("550")
    assert smtp_server.handler.recipients() == {"a@example.org": 1, "b@example.org": 1}
    assert smtp_server.handler.connections == 1
    assert deliveries_send() == 0  # a permanent failure is not retried


def test_staff_retry_the_failed_deliveries(smtp_server, jobs):
    message = mail_one(kind=MessageKind.ACCOUNT, recipient=Recipient("c@example.org"), subject="S", body="B")
    smtp_server.handler.refused = {"c@example.org"}
    deliveries_send()
    smtp_server.handler.refused = set()

    assert deliveries_retry(message=message) == 1
    jobs.run()

    assert Delivery.objects.get(message=message).state == DeliveryState.SENT
    assert smtp_server.handler.recipients() == {"c@example.org": 1}


def test_a_mail_server_down_leaves_everything_pending_for_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    message = message_create(kind=MessageKind.BULLETIN, subject="S", body="B")
    deliveries_add(message=message, recipients=[Recipient(f"p{n}@example.org") for n in range(5)])

    assert deliveries_send() == 0

    states = list(Delivery.objects.order_by("pk").values_list("state", "attempts"))
    # The first try found the server away and ended the run: one attempt counted.
    assert states == [(DeliveryState.PENDING, 1)] + [(DeliveryState.PENDING, 0)] * 4
    assert "ConnectionRefusedError" in Delivery.objects.order_by("pk").first().last_error


def test_a_server_that_never_answers_is_given_up_after_email_timeout(settings):
    with SilentServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
        message = mail_one(
            kind=MessageKind.ACCOUNT, recipient=Recipient("d@example.org"), subject="S", body="B"
        )
        started = timezone.now()

        assert deliveries_send() == 0

    assert timezone.now() - started < timedelta(seconds=5)
    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.PENDING
    assert "timed out" in delivery.last_error.lower() or "timeout" in delivery.last_error.lower()


def test_after_max_attempts_a_temporary_failure_is_recorded_as_failed(smtp_server):
    message = mail_one(kind=MessageKind.ACCOUNT, recipient=Recipient("e@example.org"), subject="S", body="B")
    Delivery.objects.filter(message=message).update(attempts=MAX_ATTEMPTS - 1)
    smtp_server.handler.temporary_failures = 1

    deliveries_send()

    delivery = Delivery.objects.get(message=message)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)


def test_the_backoff_doubles_up_to_an_hour():
    assert [Delivery.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [
        1,
        2,
        4,
        8,
        60,
        60,
        60,
    ]


def test_a_write_that_rolls_back_records_no_mail_and_no_job(jobs, proposal_factory, verified_user_factory):
    proposal = _answered_proposal(proposal_factory, verified_user_factory)

    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            proposal_answer(proposal=proposal, status="retenue", answer="Oui.")
            assert jobs.queued("proposals.answer_fan_out")
            raise RuntimeError("the admin's save failed after the answer")

    assert not Message.objects.exists()
    assert not jobs.queued()


def test_a_large_fan_out_is_split_into_jobs_that_several_workers_share(jobs, settings):
    message = message_create(kind=MessageKind.BULLETIN, subject="S", body="B")

    deliveries_add(message=message, recipients=[Recipient(f"n{n}@example.org") for n in range(1200)])

    assert [name for _id, name, _args in jobs.queued()] == ["mailing.send"] * 3
    assert jobs.run() == 3
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 1200


def test_inside_a_worker_the_send_jobs_commit_with_the_deliveries(jobs):
    # A worker replaces the app's connector with its own connection, which would commit
    # a job at once, before the deliveries it sends: jobs go through Django's instead.
    from django.db import transaction
    from procrastinate.contrib.django import app

    message = message_create(kind=MessageKind.BULLETIN, subject="S", body="B")
    with app.replace_connector(app.connector.get_worker_connector()):
        with pytest.raises(RuntimeError), transaction.atomic():
            deliveries_add(message=message, recipients=[Recipient("f@example.org")])
            assert jobs.queued("mailing.send")  # in this transaction
            raise RuntimeError("the fan-out failed")

    assert not jobs.queued()
    assert not Delivery.objects.exists()
