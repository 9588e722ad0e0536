"""Running the queue's jobs inside a test, as a worker would.

Jobs are deferred through Django's connection, in the transaction of the write that
causes them; a test's writes are never committed, so a separate worker could not see
them. `run_jobs()` runs the due jobs on the test's own connection, in order, until none
is left (a job may defer others), and marks each one done. Tests of the real worker
process (`manage.py procrastinate worker`) are in tests/mailing/test_worker.py.
"""

import json

import pytest
from django.db import connection
from procrastinate.contrib.django import app


def queued_jobs(task_name: str | None = None) -> list[tuple[int, str, dict]]:
    """The jobs waiting in the queue (due or scheduled), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo'"
            " AND (%s::text IS NULL OR task_name = %s) ORDER BY id",
            [task_name, task_name],
        )
        return [(job_id, name, _args(args)) for job_id, name, args in cursor.fetchall()]


def _args(args) -> dict:
    # Django reads jsonb as text (its JSONField decodes it); a raw cursor gets the text.
    return json.loads(args) if isinstance(args, str) else args


def run_jobs(*, include_scheduled: bool = False) -> int:
    """Run every due job (and the scheduled ones too with `include_scheduled`); return
    how many ran. A job that raises is marked failed and the error propagates."""
    ran = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo'"
                " AND (%s OR scheduled_at IS NULL OR scheduled_at <= clock_timestamp()) ORDER BY id",
                [include_scheduled],
            )
            jobs = cursor.fetchall()
        if not jobs:
            return ran
        for job_id, task_name, args in jobs:
            _set_status(job_id, "doing")
            try:
                app.tasks[task_name](**_args(args))
            except Exception:
                _set_status(job_id, "failed")
                raise
            _set_status(job_id, "succeeded")
            ran += 1


def _set_status(job_id: int, status: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = %s WHERE id = %s", [status, job_id])


@pytest.fixture(autouse=True)
def empty_queue(request):
    """Tests that commit (threads, the live server, real workers) leave their jobs in
    the queue's tables, which Django's flush does not empty: empty them afterwards."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if committed:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events,"
                " procrastinate_workers CASCADE"
            )


@pytest.fixture
def jobs():
    """`jobs.run()` runs the queued jobs; `jobs.queued()` lists them."""

    class Jobs:
        run = staticmethod(run_jobs)
        queued = staticmethod(queued_jobs)

    return Jobs()
