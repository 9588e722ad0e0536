"""The constant-queries contract: a page makes the same number of SQL queries with few
rows as with many.

Load as a pytest plugin (`pytest_plugins` in tests/conftest.py); a test then asks for
the `assert_constant_queries` fixture:

    def test_it_lists_with_a_fixed_number_of_queries(client, assert_constant_queries):
        make_rows(2)
        # session, user, count, page ids, page rows
        assert_constant_queries(lambda: client.get("/liste/"), lambda: make_rows(28), 5)

The number is a performance contract: changing it is something to justify. Where a test
states a ceiling rather than the count (`at_most=N`), both fetches must still make the
same number of queries.
"""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _counted(fetch: Callable):
    with CaptureQueriesContext(connection) as context:
        response = fetch()
    return response, [query["sql"] for query in context.captured_queries]


def _listing(queries: list[str]) -> str:
    return "\n".join(f"{number}. {sql}" for number, sql in enumerate(queries, start=1))


def constant_queries(
    fetch: Callable, grow: Callable, expected: int | None = None, *, at_most: int | None = None
):
    """Call `fetch()` (it returns a response, which must be a 200), then `grow()` to add
    rows, then `fetch()` again. Both fetches make the same number of queries: exactly
    `expected`, or no more than `at_most` where the contract is a ceiling. On failure the
    message lists the SQL of both. Returns the second response, for further checks."""
    assert (expected is None) != (at_most is None), "give expected or at_most"
    few_response, few = _counted(fetch)
    assert few_response.status_code == 200, f"{few_response.status_code} with few rows"
    grow()
    many_response, many = _counted(fetch)
    assert many_response.status_code == 200, f"{many_response.status_code} with many rows"
    if expected is not None:
        contract, kept = f"exactly {expected}", len(few) == len(many) == expected
    else:
        contract, kept = f"at most {at_most}", len(few) == len(many) <= at_most
    assert kept, (
        f"expected {contract} queries with few rows and the same with many, "
        f"got {len(few)} and {len(many)}.\n"
        f"With few rows:\n{_listing(few)}\n\nWith many rows:\n{_listing(many)}"
    )
    return many_response


@pytest.fixture
def assert_constant_queries(db):
    """`assert_constant_queries(fetch, grow, expected)` or `(fetch, grow, at_most=N)`:
    see `constant_queries`."""
    return constant_queries
