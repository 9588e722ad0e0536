"""The meetings' background work: the reminder the day before."""

from procrastinate.contrib.django import app


@app.periodic(cron="7 * * * *", periodic_id="meetings-remind")
@app.task(name="meetings.remind", queueing_lock="meetings.remind")
def remind(timestamp: int) -> int:
    """Hourly: remind the registered citizens of the meetings starting within a day (each
    once, however often it runs)."""
    from meetings.services import reminders_send

    return reminders_send()
