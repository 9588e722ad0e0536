"""A PostgreSQL advisory lock, so that set-up steps run by one instance at a time.

Several instances (gunicorn hosts, workers, containers) may start together against one
database: each runs `migrate` and `load_catalogue`. A file lock only serialises processes
on one machine; an advisory lock lives in the database all of them share.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

# The lock taken by `migrate` and `load_catalogue`: one name, so that loading waits for
# the migrations another instance is running.
SETUP_LOCK = "archipel.setup"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (PostgreSQL's hashtext is internal and may
    change between major versions; two versions side by side must agree on the key)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def advisory_lock(
    name: str, *, using: str = DEFAULT_DB_ALIAS, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the session-level advisory lock `name` on Django's connection `using`.

    Blocks until the lock is free; calls `on_wait` first when another session holds it
    (to say why nothing happens). Session-level, not transaction-level: the lock spans
    the many transactions of a migration run. Released in `finally`; if the connection
    drops meanwhile, PostgreSQL releases it with the session.
    """
    connection = connections[using]
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            if on_wait is not None:
                on_wait()
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
