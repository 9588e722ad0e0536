"""Settings for the test suite: the real settings, with test-only shortcuts."""

import os

# A fixed key for tests, set before the settings read it: with DATABASE_URL set (CI) and
# no SECRET_KEY, the real settings refuse to start, as production must.
os.environ.setdefault("SECRET_KEY", "archipel-tests-only-key-" + "x" * 40)

from archipel.settings import *  # noqa: E402, F403
from archipel.settings import DATABASE_CACHE, PAGES_DATABASE_CACHE, STORAGES  # noqa: E402

# Static files without the collectstatic manifest (make serve builds it; tests need not).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # tests serve static files through the finders, never collectstatic
WHITENOISE_USE_FINDERS = True
# Rate-limit counters and stored pages per test process, cleared before each test
# (tests/conftest.py), also in tests that use no database; the database caches stay the
# fallbacks of archipel.cache and tests/archipel/test_cache.py tests them with the real
# backends.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "database": DATABASE_CACHE,
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "pages_database": PAGES_DATABASE_CACHE,
}
