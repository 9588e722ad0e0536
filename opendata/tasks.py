"""The files of /donnees/ rebuilt by the workers: a few seconds after a change to what
they show, and every hour whatever happened.

A burst of writes (a vote a second) makes one rebuild: the job waits `DELAY` before it
runs, and while it waits no other is queued (`queueing_lock`). A change committed while
the job runs queues the next one. Builds never run side by side (`lock`).

The rebuild writes only `opendata_export`, which is not a table of the content
(`settings.PAGE_CACHE_CONTENT_APPS`): it sends no `content_changed`, and so queues nothing.
"""

import logging

from django.db import DatabaseError, connection, transaction
from procrastinate import exceptions
from procrastinate.contrib.django import app

from core.jobs import defer_in_transaction
from opendata import services
from opendata.models import Export

logger = logging.getLogger(__name__)

DELAY = {"seconds": 10}
LOCK = "opendata.exports"


@app.task(name="opendata.exports_build", queueing_lock="opendata.exports_build", lock=LOCK)
def exports_build() -> int:
    """Rebuild the files that are out of date, and build those never built."""
    return services.exports_build()


@app.periodic(cron="23 * * * *", periodic_id="opendata-exports")
@app.task(name="opendata.exports_refresh", queueing_lock="opendata.exports_refresh", lock=LOCK)
def exports_refresh(timestamp: int) -> int:
    """Hourly: rebuild every file, in case a change went unseen; an unchanged file keeps
    its ETag and date (the JSON files, which carry the day's date, change once a day)."""
    return services.exports_build(everything=True)


def on_content_changed(sender, tables, **kwargs) -> None:
    """After each committed write to the content (`core.pagecache.content_changed`): the
    files read from `tables` are out of date, and a rebuild is queued if none waits."""
    try:
        # A savepoint: in a test's transaction (writes counted at once), a refused insert
        # must not spoil the transaction; elsewhere, the change has already committed.
        with transaction.atomic():
            if not services.exports_changed(tables=tables):
                return
            try:
                with transaction.atomic():
                    defer_in_transaction(exports_build, schedule_in=DELAY)
            except exceptions.AlreadyEnqueued:
                pass  # the waiting job will see this change too
    except (DatabaseError, exceptions.ConnectorException):
        # The write itself has committed and must not fail now: the hourly rebuild mends.
        if Export._meta.db_table in connection.introspection.table_names():
            logger.exception("Fichiers de données ouvertes : reconstruction non programmée")
        # Otherwise `migrate` writes the content before the files' table exists: nothing
        # has been built yet, so nothing is out of date.
