"""Settings for the test suite: the real settings, with test-only shortcuts."""

from archipel.settings import *  # noqa: F403
from archipel.settings import STORAGES

# Static files without the collectstatic manifest (make serve builds it; tests need not).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # tests serve static files through the finders, never collectstatic
WHITENOISE_USE_FINDERS = True
