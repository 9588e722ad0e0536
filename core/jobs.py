"""Jobs deferred in the caller's database transaction (Procrastinate)."""

from procrastinate import manager
from procrastinate.contrib.django.django_connector import DjangoConnector

# Defers through Django's own connection, so in the caller's transaction. A worker's app
# has its own connector (its own connection, committing each job at once): a job deferred
# by a task through it could start before the task's writes are committed, and find
# nothing to do.
_jobs_in_transaction = manager.JobManager(connector=DjangoConnector())


def defer_in_transaction(task, *, schedule_in: dict | None = None, **task_kwargs) -> int:
    """Defer `task` in the current database transaction, in a web request or in a worker:
    the job commits (or rolls back) with the writes it is about. `schedule_in` delays it
    (`{"seconds": 10}`); a task's queueing lock raises procrastinate's AlreadyEnqueued."""
    job = task.configure(schedule_in=schedule_in).make_new_job(**task_kwargs)
    return _jobs_in_transaction.defer_job(job).id
