"""A database that does not answer: every page, vote and API call answers 503 with
Retry-After (a page in the site's layout rendered without the database, JSON for the
API), logged at ERROR once per request so that Sentry and ADMINS hear of it; the
500 page says the team was told only when someone is."""

import logging
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from archipel.logs import MailThrottleFilter
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(error=OperationalError):
    """Every query fails as it does when PostgreSQL is stopped: on connecting."""
    refused = error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


@pytest.fixture
def browser():
    """A client that gets the error pages, as a browser would (not the exception)."""
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def fresh_mail_throttle():
    """The admin e-mails' throttle lives in the process: each test starts with none sent."""
    for handler in logging.getLogger("django").handlers:
        for log_filter in handler.filters:
            if isinstance(log_filter, MailThrottleFilter):
                log_filter._last_sent.clear()


def server_errors(caplog):
    return [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/", "/partenariats/", "/preconisations/", "/en/reseaux/"])
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_pages_answer_503_with_retry_after_in_the_site_layout(browser, path, error):
    with database_down(error):
        response = browser.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = visible_text(response)
    if path.startswith("/en/"):  # the layout in English (the page's own text once translated)
        assert '<html lang="en">' in response.content.decode() and "Partnerships" in text
    else:
        assert "Site momentanément indisponible" in text
        assert "Réessayez dans une minute" in text
        assert "Partenariats" in text  # the layout, its navigation
    assert "L’équipe a été prévenue" not in text


def test_a_signed_in_citizen_gets_the_503_page_without_a_user_lookup(browser, voter, proposal):
    browser.force_login(voter)

    with database_down():
        page = browser.get(proposal.get_absolute_url())
        vote = browser.post(f"{proposal.get_absolute_url()}vote/", {"value": "pour"})
        htmx_vote = browser.post(
            f"{proposal.get_absolute_url()}vote/", {"value": "pour"}, HTTP_HX_REQUEST="true"
        )

    for response in [page, vote, htmx_vote]:
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "Site momentanément indisponible" in visible_text(response)
    assert proposal.votes.count() == 0


@pytest.mark.parametrize("path", ["/api/partenariats/", "/en/api/partenariats/", "/api/preconisations/"])
def test_the_api_answers_json_503(browser, path):
    with database_down():
        response = browser.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail
    if not path.startswith("/en/"):
        assert detail == "Le service est momentanément indisponible : réessayez dans une minute."


def test_the_health_check_still_says_503(browser):
    with database_down():
        response = browser.get("/sante/")

    assert response.status_code == 503
    assert response.json()["database"] is False


def test_the_outage_is_logged_at_error_once_per_request(browser, caplog):
    caplog.set_level(logging.INFO)
    with database_down():
        browser.get("/partenariats/")

    (record,) = server_errors(caplog)
    assert record.levelno == logging.ERROR
    assert record.status_code == 503
    assert record.exc_info and record.exc_info[0] is OperationalError


def test_admins_get_one_e_mail_however_many_requests_fail(browser, settings):
    settings.ADMINS = [("Équipe Archipel", "equipe@example.org")]

    with database_down():
        for _ in range(3):
            assert browser.get("/partenariats/").status_code == 503

    (message,) = mail.outbox
    assert message.to == ["equipe@example.org"]
    assert "Service Unavailable" in message.subject
    assert "OperationalError" in message.body


def test_no_admins_no_e_mail(browser, settings):
    settings.ADMINS = []
    with database_down():
        browser.get("/partenariats/")

    assert mail.outbox == []


def test_the_500_page_says_the_team_was_told_only_when_someone_is(browser, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("archipel.views.render", broken)  # the legal page's

    settings.ADMINS, settings.SENTRY_DSN = [], ""
    alone = browser.get("/mentions-legales/")
    settings.ADMINS = [("Équipe Archipel", "equipe@example.org")]
    told = browser.get("/mentions-legales/")

    assert alone.status_code == told.status_code == 500
    assert "Retry-After" not in alone
    assert "L’équipe a été prévenue" not in visible_text(alone)
    assert "Réessayez dans quelques minutes" in visible_text(alone)
    assert "L’équipe a été prévenue" in visible_text(told)


def test_an_api_bug_answers_json_500(browser, monkeypatch):
    from api import views as api_views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(api_views.PartnershipViewSet, "list", broken)
    response = browser.get("/api/partenariats/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Erreur du serveur."}
