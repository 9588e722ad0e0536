"""Logs: one JSON line per request on `archipel.request`, with its request id; the JSON
formatter with `extra` fields (Procrastinate's task events)."""

import io
import json
import logging
import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.http import HttpResponse
from django.test import RequestFactory

from archipel.logs import JsonFormatter, RequestIdFilter
from archipel.middleware import RequestLogMiddleware

pytestmark = pytest.mark.django_db

FIELDS = {"request_id", "method", "path", "status", "duration_ms", "user_id"}


@pytest.fixture
def request_lines(caplog):
    """The `archipel.request` lines logged so far, as the production formatter writes them."""
    caplog.set_level(logging.INFO, logger="archipel.request")
    formatter = JsonFormatter()

    def lines():
        return [formatter.format(r) for r in caplog.records if r.name == "archipel.request"]

    return lines


def test_a_request_is_one_json_line_with_its_fields(client, request_lines):
    response = client.get("/mentions-legales/?q=camille@example.org", HTTP_X_REQUEST_ID="lb-1234.abc_DEF")
    assert response["X-Request-ID"] == "lb-1234.abc_DEF"

    [line] = request_lines()
    assert "\n" not in line
    entry = json.loads(line)
    assert FIELDS <= entry.keys()
    assert entry["request_id"] == "lb-1234.abc_DEF"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/mentions-legales/", 200)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["user_id"] is None
    assert (entry["level"], entry["logger"]) == ("INFO", "archipel.request")
    assert "camille@example.org" not in line  # the query string is not logged


def test_a_signed_in_request_names_the_user_by_id_never_by_email(client, verified_citizen, request_lines):
    client.force_login(verified_citizen)
    client.get("/profil/")
    [line] = request_lines()
    assert json.loads(line)["user_id"] == verified_citizen.pk
    assert verified_citizen.email not in line


@pytest.mark.parametrize(
    "given",
    ["", "avec espace", "ligne\ninjectee", "x" * 101, "accentué", '{"json": true}'],
)
def test_a_missing_or_implausible_request_id_is_replaced(client, request_lines, given):
    response = client.get("/vie/", HTTP_X_REQUEST_ID=given)
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert json.loads(request_lines()[0])["request_id"] == request_id


def test_the_longest_plausible_request_id_is_kept(client):
    assert client.get("/vie/", HTTP_X_REQUEST_ID="a" * 100)["X-Request-ID"] == "a" * 100


def test_each_request_gets_its_own_id(client):
    assert client.get("/vie/")["X-Request-ID"] != client.get("/vie/")["X-Request-ID"]


def test_a_secret_in_the_path_is_not_logged(client, citizen, request_lines):
    address = EmailAddress.objects.create(user=citizen, email=citizen.email, verified=False, primary=True)
    key = EmailConfirmationHMAC(address).key
    client.get(f"/comptes/confirm-email/{key}/")
    [line] = request_lines()
    assert key not in line
    assert "confirm-email" in json.loads(line)["path"]


def test_lines_logged_during_a_request_carry_its_id():
    # The console handler as LOGGING sets it up in production.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("archipel.essai")
    logger.addHandler(handler)

    def view(request):
        logger.warning("pendant la requête")
        return HttpResponse()

    try:
        RequestLogMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42"))
        logger.warning("après")
    finally:
        logger.removeHandler(handler)
    during, after = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert during["request_id"] == "req-42"
    assert "request_id" not in after


# The formatter -------------------------------------------------------------------------------


def test_extra_fields_are_written_as_json_fields():
    # As Procrastinate's worker logs a task event.
    record = logging.LogRecord(
        "procrastinate.worker", logging.INFO, "worker.py", 1, "Job %s succeeded", (7,), None
    )
    record.action = "job_success"
    record.job = {
        "id": 7,
        "task_name": "mailing.send",
        "queue": "default",
        "call_string": "mailing.send[7]()",
    }
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Job 7 succeeded"
    assert entry["action"] == "job_success"
    assert entry["job"]["task_name"] == "mailing.send"
    assert entry["logger"] == "procrastinate.worker"
    assert "args" not in entry and "msg" not in entry  # the record's own attributes stay out


def test_an_exception_and_values_json_cannot_write_keep_the_line_whole():
    import datetime

    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        import sys

        record = logging.LogRecord("archipel", logging.ERROR, "f.py", 1, "échec", (), sys.exc_info())
    record.when = datetime.date(2026, 11, 25)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert "ZeroDivisionError" in entry["exception"]
    assert entry["when"] == "2026-11-25"
    assert entry["message"] == "échec"


def test_djangos_own_lines_do_not_carry_the_query_string(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    client.get("/partenariats/?pays=ZZ&q=camille@example.org")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = JsonFormatter().format(record)
    assert json.loads(line)["request"] == "GET /partenariats/"
    assert "camille@example.org" not in line
