"""Whose address is it: TRUSTED_PROXY_COUNT, read the same way by our rate limits, the
API's throttle and allauth; and staff's log-in (/admin/login/ is the site's) under its limits."""

import pytest
from django.test import Client, RequestFactory

from core.ratelimit import client_address
from tests.factories import PASSWORD, totp_code, verify

pytestmark = pytest.mark.django_db

ADDRESSES = [f"203.0.113.{n}" for n in range(1, 11)]


@pytest.fixture
def behind_one_proxy(settings):
    """What TRUSTED_PROXY_COUNT=1 derives at start (tests/archipel/test_settings.py)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.fixture
def vote_from(proposal, verified_user_factory):
    """POST a vote by a new verified citizen (so that only the per-address limit can
    bite) with the given X-Forwarded-For; the status."""

    def vote_from(forwarded_for: str) -> int:
        client = Client()
        client.force_login(verified_user_factory())
        response = client.post(
            f"/preconisations/{proposal.slug}/vote/", {"value": "pour"}, HTTP_X_FORWARDED_FOR=forwarded_for
        )
        return response.status_code

    return vote_from


@pytest.mark.parametrize(
    "count, forwarded_for, expected",
    [
        (0, "", "192.0.2.1"),
        (0, "203.0.113.9", "192.0.2.1"),  # no trusted proxy: whatever the client wrote is ignored
        (1, "", "192.0.2.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the client wrote the first one
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer than expected: the farthest one, as DRF reads it
    ],
)
def test_the_client_address_is_read_as_the_setting_says(settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1", **extra)
    assert client_address(request) == expected


# Without a trusted proxy, X-Forwarded-For changes nothing ------------------------------------


def test_rotating_forwarded_addresses_do_not_escape_the_vote_limit(settings, vote_from):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60)}
    assert [vote_from(address) for address in ADDRESSES[:4]] == [302, 302, 429, 429]


def test_rotating_forwarded_addresses_do_not_escape_the_api_throttle(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    # A new address each time (an answer already built is served from the page cache,
    # unthrottled: it costs nothing).
    statuses = [
        client.get(f"/api/reseaux/?n={n}", HTTP_X_FORWARDED_FOR=address).status_code
        for n, address in enumerate(ADDRESSES[:4])
    ]
    assert statuses == [200, 200, 429, 429]


def test_rotating_forwarded_addresses_do_not_escape_the_log_in_limit(client):
    # allauth: 10 failed log-ins a minute per address (whatever the account).
    for n, address in enumerate(ADDRESSES):
        client.post(
            "/comptes/login/",
            {"login": f"inconnu{n}@example.org", "password": "pas-le-bon"},
            HTTP_X_FORWARDED_FOR=address,
        )
    response = client.post(
        "/comptes/login/",
        {"login": "encore@example.org", "password": "pas-le-bon"},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert "Trop de tentatives" in response.content.decode()


# Behind one trusted proxy, each client has its own count -------------------------------------


def test_behind_a_proxy_two_clients_have_separate_vote_limits(settings, vote_from, behind_one_proxy):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60)}
    one, other = "198.51.100.1", "198.51.100.2"
    assert [vote_from(one), vote_from(one), vote_from(one)] == [302, 302, 429]
    assert vote_from(other) == 302
    # A client that writes its own X-Forwarded-For still gets the address the proxy appended.
    assert vote_from(f"{other}, {one}") == 429


def test_behind_a_proxy_two_clients_have_separate_api_throttles(client, settings, behind_one_proxy):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}

    urls = (f"/api/reseaux/?n={n}" for n in range(10))  # each answer built, none from the page cache

    def get(forwarded_for):
        return client.get(next(urls), HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert [get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.1")] == [200, 200, 429]
    assert get("198.51.100.2") == 200
    assert get("198.51.100.2, 198.51.100.1") == 429


# The admin's log-in is the site's, under its limits ----------------------------------------


@pytest.fixture
def staff(staff_user):
    """Staff with the verified address the site's log-in asks for."""
    return verify(staff_user)


def test_the_admin_log_in_sends_to_the_sites(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/admin/"


def test_a_staff_accounts_passwords_are_limited_like_everyones(client, staff):
    for _ in range(100):
        client.post("/comptes/login/?next=/admin/", {"login": staff.email, "password": "pas-le-bon"})
    response = client.post("/comptes/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_staff_account_is_locked_out_from_every_address(client, staff):
    # allauth's per-account limit (5 failures in 5 minutes), from any number of addresses:
    # then even the right password is refused, with a message.
    for address in ADDRESSES[:5]:
        client.post(
            "/comptes/login/", {"login": staff.email.upper(), "password": "pas-le-bon"}, REMOTE_ADDR=address
        )
    response = client.post(
        "/comptes/login/", {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )

    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sites_log_in_still_signs_staff_in_after_their_code(client, staff):
    response = client.post("/comptes/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == "/comptes/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/comptes/2fa/authenticate/", {"code": totp_code()})

    assert response["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_a_short_forwarded_header_behind_two_proxies_is_no_error(client, settings):
    # allauth would raise ImproperlyConfigured (a 500) here; the adapter reads the address
    # as every other limit of the site does.
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = client.post(
        "/comptes/login/",
        {"login": "personne@example.org", "password": "pas-le-bon"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code == 200
    assert "adresse e-mail et/ou le mot de passe" in response.text or "incorrect" in response.text
