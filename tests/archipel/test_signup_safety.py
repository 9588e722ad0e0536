"""Sign-up under attack: one address signed up many times at once (real threads, real
commits) gets one account and no error page; the answer's timing does not tell whether
an address already has an account (the production password hasher, real requests)."""

import statistics
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client

from archipel.models import User
from mailing.models import Delivery
from tests.factories import VerifiedUserFactory
from tests.threads import run_at_once

SIGNUP = "/comptes/signup/"
PASSWORD = "Jumelage-Toulouse-1962!"
# Django's default: what production hashes with (the test settings use a fast one).
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]


def _sign_up(client: Client, email: str):
    return client.post(SIGNUP, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.django_db(transaction=True)
def test_one_address_signed_up_many_times_at_once_gets_one_account_and_no_error_page():
    # Transactional tests end with a flush: put the session's catalogue back first.
    call_command("load_catalogue", verbosity=0)

    responses, errors = run_at_once([lambda: _sign_up(Client(), "Course@Example.org")] * 8)

    assert errors == []
    assert [response.status_code for response in responses] == [302] * 8
    # Every one of them gets the answer a known address gets: "check your e-mail".
    assert {response["Location"] for response in responses} == {"/comptes/confirm-email/"}
    user = User.objects.get(email__iexact="course@example.org")
    assert list(EmailAddress.objects.values_list("user", "email")) == [(user.pk, "course@example.org")]


@pytest.mark.django_db
def test_signing_up_a_known_address_answers_as_for_a_new_one_and_creates_nothing(client):
    known = VerifiedUserFactory(email="connue@example.org")

    new = _sign_up(Client(), "nouvelle@example.org")
    again = _sign_up(client, "Connue@Example.org")

    assert (
        (again.status_code, again["Location"])
        == (new.status_code, new["Location"])
        == (
            302,
            "/comptes/confirm-email/",
        )
    )
    assert User.objects.filter(email__iexact="connue@example.org").get() == known
    assert EmailAddress.objects.filter(email__iexact="connue@example.org").count() == 1
    # Both e-mails are recorded for the workers in the request, neither sent in it.
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "connue@example.org",
        "nouvelle@example.org",
    ]
    assert mail.outbox == []


def _timed_sign_up(email: str) -> float:
    start = time.perf_counter()
    response = _sign_up(Client(), email)
    duration = time.perf_counter() - start
    assert response.status_code == 302
    return duration


@pytest.mark.django_db
def test_the_time_of_a_sign_up_does_not_tell_whether_the_address_has_an_account(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    settings.ACCOUNT_RATE_LIMITS = False  # fourteen sign-ups from one address in a row
    rounds = 7
    known = [VerifiedUserFactory(email=f"inscrite{n}@example.org").email for n in range(rounds)]
    unknown = [f"inconnue{n}@example.org" for n in range(rounds)]
    _sign_up(Client(), "echauffement@example.org")  # templates and validators loaded once

    # Interleaved, so that a busy moment of the machine falls on both kinds alike.
    known_times, unknown_times = [], []
    for known_address, unknown_address in zip(known, unknown, strict=True):
        known_times.append(_timed_sign_up(known_address))
        unknown_times.append(_timed_sign_up(unknown_address))

    ratio = statistics.median(known_times) / statistics.median(unknown_times)
    assert 0.6 < ratio < 1.6, (known_times, unknown_times)
    assert User.objects.filter(email__in=unknown).count() == rounds
