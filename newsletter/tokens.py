"""The address hash and the tokens of the newsletter links.

- `email_hash`: HMAC-SHA256 of the normalised address, keyed by NEWSLETTER_HASH_KEY (by
  default a key derived from SECRET_KEY). Without the key, a leaked table does not say
  whether a given address signed up.
- Confirmation token: 32 random bytes, nothing else, so that the link (which lands in
  access logs, proxies and mail scanners) says nothing about the address. The pending
  row keeps the token's SHA-256, to find the sign-up, and the address encrypted with a
  key derived from the token: the address is readable only by whoever holds the link,
  so a pending sign-up still stores nothing readable about its owner. Valid
  CONFIRMATION_MAX_AGE after the message was sent (`Subscription.confirmation_sent_at`).
- Unsubscribe token: the address hash, signed, with no expiry, so the link of a message
  sent long ago keeps working (it carries the keyed hash, never the address).
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

CONFIRMATION_MAX_AGE = timedelta(days=7)
_HASH_SALT = "archipel.newsletter.email_hash"
_UNSUBSCRIBE_SALT = "archipel.newsletter.unsubscribe"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    key = getattr(settings, "NEWSLETTER_HASH_KEY", "") or settings.SECRET_KEY
    return salted_hmac(_HASH_SALT, normalise_email(email), secret=key, algorithm="sha256").hexdigest()


# Confirmation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    token: str  # for the link only: never stored
    token_hash: str  # stored, to find the sign-up
    sealed_email: str  # stored, the address encrypted with the token's key


def confirmation_new(email: str) -> Confirmation:
    token = secrets.token_urlsafe(32)
    sealed = _fernet(token).encrypt(normalise_email(email).encode()).decode()
    return Confirmation(token=token, token_hash=confirmation_token_hash(token), sealed_email=sealed)


def confirmation_token_hash(token: str) -> str:
    return hashlib.sha256(f"lookup:{token}".encode()).hexdigest()


def confirmation_email(token: str, sealed_email: str) -> str:
    """The address sealed with `token`'s key; ValueError when it does not open."""
    try:
        return _fernet(token).decrypt(sealed_email.encode()).decode()
    except InvalidToken as error:
        raise ValueError("This token does not open this address.") from error


def _fernet(token: str) -> Fernet:
    # Another label than the lookup hash's: the stored hash does not give the key.
    key = hashlib.sha256(f"seal:{token}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


# Unsubscribing -----------------------------------------------------------------------------


def unsubscribe_token(digest: str) -> str:
    return signing.dumps(digest, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> str:
    """The address hash the token was made for; signing.BadSignature when it was altered."""
    return signing.loads(token, salt=_UNSUBSCRIBE_SALT)
