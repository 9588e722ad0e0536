"""Production settings: strict variables, a secret key that must be given, HTTPS, the
trusted proxies, logs.

`manage.py check` runs in a subprocess with a controlled environment (the start is what
is tested); the other tests execute archipel/settings.py afresh with `load_settings`.
"""

import os
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import override_settings

from archipel.settings import INSECURE_DEVELOPMENT_KEY, _local_secret_key

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = BASE_DIR / "archipel" / "settings.py"
A_DATABASE = "postgresql://postgres@127.0.0.1:5432/archipel_settings_check"  # never connected to
A_KEY = "k3y-" + "0123456789abcdefghij" * 3
PRODUCTION = {
    # The README's "Production settings".
    "DEBUG": "0",
    "SECRET_KEY": A_KEY,
    "DATABASE_URL": A_DATABASE,
    "ALLOWED_HOSTS": "archipel.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://archipel.example.org",
    "SITE_URL": "https://archipel.example.org",
    "HTTPS": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://archipel:secret@smtp.example.org:587",
}
# Every variable the settings read, so that the test run's own environment never leaks in.
VARIABLES = [
    "DEBUG", "SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS", "SITE_URL", "HTTPS", "SECURE_COOKIES", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "TRUSTED_PROXY_COUNT", "REDIS_URL",
    "EMAIL_URL", "EMAIL_TIMEOUT", "LOG_FORMAT", "LOG_LEVEL", "SENTRY_DSN", "CONN_MAX_AGE",
]  # fmt: skip


def manage_check(*args, **variables) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "archipel.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=BASE_DIR,
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(monkeypatch, **variables) -> dict:
    """archipel/settings.py executed with exactly `variables` set: its globals."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


# Starting: `manage.py check` -------------------------------------------------------------


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = manage_check(DEBUG="0", DATABASE_URL=A_DATABASE)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", [INSECURE_DEVELOPMENT_KEY, "short-but-not-empty"])
def test_it_refuses_the_old_development_key_and_short_keys(key):
    result = manage_check(DEBUG="0", DATABASE_URL=A_DATABASE, SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_production_variables_pass_the_deployment_checks():
    result = manage_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_value_is_an_error_naming_its_variable():
    result = manage_check(**{**PRODUCTION, "SECURE_COOKIES": "ture"})
    assert result.returncode != 0
    assert 'Environment variable "SECURE_COOKIES" invalid' in result.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("HTTPS", "oui"),
        ("TRUSTED_PROXY_COUNT", "one"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("EMAIL_URL", "smpt://mail.example.org"),
        ("EMAIL_URL", "smtp://mail.example.org:port"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("LOG_FORMAT", "xml"),
        ("EMAIL_TIMEOUT", "dix"),
    ],
)
def test_bad_values_are_refused_by_name(monkeypatch, name, value):
    from environs import EnvValidationError

    with pytest.raises(EnvValidationError, match=f'"{name}"'):
        load_settings(monkeypatch, **{**PRODUCTION, name: value})


# The secret key ----------------------------------------------------------------------------


def test_a_given_key_is_used_with_its_fallbacks(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION, SECRET_KEY_FALLBACKS=f"{A_KEY}-old, {A_KEY}-older")
    assert settings["SECRET_KEY"] == A_KEY
    assert settings["SECRET_KEY_FALLBACKS"] == [f"{A_KEY}-old", f"{A_KEY}-older"]


def test_a_local_checkout_makes_its_key_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "donnees" / "secret_key"
    key = _local_secret_key(path)
    assert len(key) >= 50 and key != INSECURE_DEVELOPMENT_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _local_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_a_token_signed_with_the_old_development_key_is_refused(db, client, citizen):
    address = EmailAddress.objects.create(user=citizen, email=citizen.email, verified=False, primary=True)
    with override_settings(SECRET_KEY=INSECURE_DEVELOPMENT_KEY):
        forged = EmailConfirmationHMAC(address).key

    response = client.post(f"/comptes/confirm-email/{forged}/")
    assert response.status_code == 404
    address.refresh_from_db()
    assert not address.verified
    assert "_auth_user_id" not in client.session

    # The same confirmation, signed with the site's key, is accepted: the forged one failed
    # for its key alone.
    client.post(f"/comptes/confirm-email/{EmailConfirmationHMAC(address).key}/")
    address.refresh_from_db()
    assert address.verified


# HTTPS, proxies --------------------------------------------------------------------------


def test_https_turns_on_secure_cookies_redirects_and_hsts(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION)
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_SSL_REDIRECT"]
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and settings["SECURE_HSTS_PRELOAD"]


def test_without_https_nothing_is_redirected_and_secure_cookies_stays_available(monkeypatch):
    settings = load_settings(monkeypatch, **{**PRODUCTION, "HTTPS": "0"})
    assert not settings["SECURE_SSL_REDIRECT"] and settings["SECURE_HSTS_SECONDS"] == 0
    assert not settings["SESSION_COOKIE_SECURE"]
    settings = load_settings(monkeypatch, **{**PRODUCTION, "HTTPS": "0", "SECURE_COOKIES": "1"})
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]


def test_one_setting_names_the_trusted_proxies_for_every_reader(monkeypatch):
    settings = load_settings(monkeypatch, **{**PRODUCTION, "TRUSTED_PROXY_COUNT": "2"})
    assert settings["TRUSTED_PROXY_COUNT"] == 2
    assert settings["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert settings["REST_FRAMEWORK"]["NUM_PROXIES"] == 2
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_without_a_proxy_forwarded_headers_are_ignored(monkeypatch):
    settings = load_settings(monkeypatch, **{**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"})
    assert settings["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    # 0, not DRF's default None (which reads the whole X-Forwarded-For a client wrote).
    assert settings["REST_FRAMEWORK"]["NUM_PROXIES"] == 0
    assert "SECURE_PROXY_SSL_HEADER" not in settings


# E-mail, cache, logs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False)),
        ("smtp://u%40x:p%2Fw@mail.example.org:2525", ("mail.example.org", 2525, "u@x", "p/w", False, False)),
        ("smtp+tls://u:pw@mail.example.org:587", ("mail.example.org", 587, "u", "pw", True, False)),
        ("smtps://u:pw@mail.example.org:465", ("mail.example.org", 465, "u", "pw", False, True)),
    ],
)
def test_the_readme_forms_of_email_url_still_work(monkeypatch, url, expected):
    settings = load_settings(monkeypatch, **{**PRODUCTION, "EMAIL_URL": url})
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    names = [
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
    ]
    assert tuple(settings[name] for name in names) == expected
    assert settings["EMAIL_TIMEOUT"] == 10


def test_without_email_url_mail_goes_to_the_console(monkeypatch):
    settings = load_settings(monkeypatch, **{**PRODUCTION, "EMAIL_URL": "", "EMAIL_TIMEOUT": "3"})
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["EMAIL_TIMEOUT"] == 3


def test_the_cache_is_the_database_without_redis_and_redis_with_a_fallback(monkeypatch):
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "archipel_cache"}
    pages = {**database, "LOCATION": "archipel_pages", "OPTIONS": {"MAX_ENTRIES": 5000}}
    settings = load_settings(monkeypatch, **{**PRODUCTION, "REDIS_URL": ""})
    assert settings["CACHES"] == {
        "default": database,
        "database": database,
        "pages": pages,
        "pages_database": pages,
    }
    settings = load_settings(monkeypatch, **PRODUCTION)
    for alias, fallback in [("default", "database"), ("pages", "pages_database")]:
        assert settings["CACHES"][alias]["BACKEND"] == "archipel.cache.FallbackRedisCache"
        assert settings["CACHES"][alias]["OPTIONS"]["socket_timeout"] <= 1
        assert settings["CACHES"][alias]["FALLBACK"] == fallback
    assert settings["CACHES"]["database"] == database
    assert settings["CACHES"]["pages_database"] == pages


def test_logs_are_json_in_production_and_text_in_development(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION)
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert settings["LOGGING"]["loggers"]["procrastinate"]["level"] == "INFO"
    assert settings["MIDDLEWARE"][0] == "archipel.middleware.RequestLogMiddleware"
    settings = load_settings(monkeypatch, **{**PRODUCTION, "DEBUG": "1"})
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    settings = load_settings(monkeypatch, **{**PRODUCTION, "LOG_FORMAT": "text", "LOG_LEVEL": "WARNING"})
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert settings["LOGGING"]["root"]["level"] == "WARNING"
