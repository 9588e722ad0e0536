"""Periodic upkeep of the queue and of the project, run by the workers (no cron)."""

from django.core.management import call_command
from procrastinate.contrib.django import app


@app.periodic(cron="* * * * *", periodic_id="retry-stalled-jobs")
@app.task(name="archipel.retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Jobs of a worker that died (no heartbeat for 30 s) go back to the queue."""
    for job in await context.app.job_manager.get_stalled_jobs():
        await context.app.job_manager.retry_job(job)


@app.periodic(cron="17 3 * * *", periodic_id="clearsessions")
@app.task(name="archipel.clear_sessions", queueing_lock="clear_sessions")
def clear_sessions(timestamp: int) -> None:
    """Daily: delete expired sessions."""
    call_command("clearsessions")
