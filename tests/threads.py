"""Calls at the same moment, for the tests of what holds under concurrency (real threads,
each with its own database connection, in `django_db(transaction=True)` tests)."""

import threading

from django.db import connection


def run_at_once(calls) -> tuple[list, list]:
    """Run each call in its own thread, released together by a barrier; return their
    results and the errors raised, each in the order they came."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def worker(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
