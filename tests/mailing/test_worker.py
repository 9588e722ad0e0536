"""The real worker process (`manage.py procrastinate worker`) against a real SMTP server:
killed in the middle of an answer's fan-out and started again, it tells each voter
once, except at most the one message in flight at the kill."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from mailing.models import Delivery, DeliveryState
from proposals.models import Vote, VoteValue
from proposals.services import proposal_answer, proposals_recount
from tests.databases import database_url
from tests.factories import ProposalFactory, UserFactory

VOTERS = 300
BASE_DIR = Path(settings.BASE_DIR)


def start_worker(smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "archipel.settings",  # not the tests' (locmem e-mail)
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "mail"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("WORKER_LOG", os.devnull), "a"),
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_fan_out_resumes_and_tells_each_voter_once(smtp_server):
    call_command("load_catalogue", verbosity=0)  # transactional tests end with a flush
    author = UserFactory(username="autrice-du-test")
    proposal = ProposalFactory(author=author, is_official=False)
    voters = UserFactory.create_batch(VOTERS)
    Vote.objects.bulk_create([Vote(proposal=proposal, user=voter, value=VoteValue.FOR) for voter in voters])
    proposals_recount([proposal.pk])
    smtp_server.handler.delay = 0.02  # a real server's pace: 20 ms a message

    proposal_answer(proposal=proposal, status="retenue", answer="Nous l’inscrivons au budget.")
    worker = start_worker(smtp_server.port)
    try:
        wait_for(lambda: len(smtp_server.handler.messages) >= 100, 60, "the first 100 messages")
        os.killpg(worker.pid, signal.SIGKILL)  # no clean shutdown: the power goes out
        worker.wait(10)
        received_at_kill = len(smtp_server.handler.messages)
        sent_at_kill = Delivery.objects.filter(state=DeliveryState.SENT).count()
        # Each accepted message is marked at once: at most the one in flight is not.
        assert received_at_kill - 1 <= sent_at_kill <= received_at_kill
        assert sent_at_kill < VOTERS + 1

        worker = start_worker(smtp_server.port)
        wait_for(
            lambda: not Delivery.objects.exclude(state=DeliveryState.SENT).exists(),
            120,
            "the restarted worker to send the rest",
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)

    recipients = smtp_server.handler.recipients()
    expected = {voter.email for voter in voters} | {author.email}
    assert set(recipients) == expected
    told_twice = [address for address, count in recipients.items() if count > 1]
    assert len(told_twice) <= 1  # the message in flight at the kill, if any
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == VOTERS + 1
