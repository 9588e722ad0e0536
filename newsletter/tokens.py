"""The address hash and the signed tokens of the newsletter links.

- `email_hash`: HMAC-SHA256 of the normalised address, keyed by NEWSLETTER_HASH_KEY (by
  default a key derived from SECRET_KEY). Without the key, a leaked table does not say
  whether a given address signed up.
- Confirmation token: the address, signed with a timestamp; valid CONFIRMATION_MAX_AGE.
- Unsubscribe token: the address hash, signed, with no expiry, so an old message's link
  keeps working.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

CONFIRMATION_MAX_AGE = timedelta(days=7)
_HASH_SALT = "archipel.newsletter.email_hash"
_CONFIRM_SALT = "archipel.newsletter.confirm"
_UNSUBSCRIBE_SALT = "archipel.newsletter.unsubscribe"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    key = getattr(settings, "NEWSLETTER_HASH_KEY", "") or settings.SECRET_KEY
    return salted_hmac(_HASH_SALT, normalise_email(email), secret=key, algorithm="sha256").hexdigest()


def confirmation_token(email: str) -> str:
    return signing.dumps(normalise_email(email), salt=_CONFIRM_SALT)


def read_confirmation_token(token: str) -> str:
    """The address the token was made for; signing.SignatureExpired after 7 days,
    signing.BadSignature when it was altered."""
    return signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)


def unsubscribe_token(digest: str) -> str:
    return signing.dumps(digest, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> str:
    """The address hash the token was made for; signing.BadSignature when it was altered."""
    return signing.loads(token, salt=_UNSUBSCRIBE_SALT)
