"""Every operation of the OpenAPI schema, fuzzed with schemathesis (hypothesis): never a 5xx,
and every answer conforms to the schema (status, content type, body).

Requests go to the WSGI application in-process, inside the test's transaction, against the
real catalogue; one test per operation, so pytest-xdist shares them out. Hypothesis is
derandomized (the same examples every run: no flaky test) and keeps no example database
in the work tree.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db

# Generating the schema reads no row: it can be fetched at collection, before any database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def in_process_requests(settings):
    # Throttling would answer 429 to a fuzzer: it has its own test.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
    # Like Django's test client: the handler must not close the test's connection between
    # requests (CONN_MAX_AGE), or the test's transaction would be lost.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_within_its_schema(case):
    # Filter values come from the database (a country code, a network's slug…): a value
    # valid for the schema may still be unknown, and its 400 is right. Every other check
    # runs: no 5xx, a documented status and content type, a body that fits the schema,
    # and invalid values (a page size of 101, a year as text…) refused.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
