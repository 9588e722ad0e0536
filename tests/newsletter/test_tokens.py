"""Opaque confirmation links: the link of the sign-up e-mail carries a random token only,
never the address in any encoding (links land in access logs, proxies and mail
scanners); the pending row keeps the token's hash and the address sealed with its key."""

import base64
import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.core import mail, signing
from django.utils import timezone

from newsletter import tokens
from newsletter.models import Subscription
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

ADDRESS = "Camille.Martin@Example.org"


def encodings(address: str) -> list[str]:
    """The address, and every form of it that a base64 link would carry."""
    forms = []
    for text in {address, address.lower()}:
        raw = text.encode()
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            forms.append(encode(raw).decode().rstrip("="))
            forms.append(encode(f'"{text}"'.encode()).decode().rstrip("="))  # signing.dumps's JSON
        forms.append(text)
    # A base64 text cut anywhere keeps its first characters: the shortest telling prefix.
    return forms


@pytest.fixture
def sign_up(client, jobs):
    def sign_up(email=ADDRESS):
        client.post("/nouvelles/inscription/", {"email": email}, HTTP_ORIGIN="http://testserver")
        jobs.run()
        return re.search(r"\S+/nouvelles/confirmer/\S+/", mail.outbox[-1].body).group(0)

    return sign_up


def row():
    return Subscription.objects.get(email_hash=tokens.email_hash(ADDRESS))


def test_the_mailed_link_carries_neither_the_address_nor_its_base64(sign_up):
    url = sign_up()

    token = urlsplit(url).path.split("/")[3]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes, nothing else
    for form in encodings(ADDRESS):
        assert form.lower() not in unquote(url).lower(), form
    # Nor in the first characters of any base64 reading of the link.
    for form in encodings(ADDRESS):
        assert form[:12].lower() not in url.lower()


def test_the_pending_row_keeps_only_the_hashes_and_the_sealed_address(sign_up):
    url = sign_up()
    token = urlsplit(url).path.split("/")[3]

    pending = row()
    assert pending.email == ""
    assert pending.confirmation_token_hash == tokens.confirmation_token_hash(token) != token
    assert token not in pending.sealed_email
    for form in encodings(ADDRESS):
        assert form.lower() not in pending.sealed_email.lower()


def test_the_link_confirms_and_stores_the_address(sign_up, client):
    path = urlsplit(sign_up()).path

    response = client.post(path)

    assert response.status_code == 200
    assert "Inscription confirmée" in visible_text(response)
    subscription = row()
    assert subscription.email == "camille.martin@example.org"
    assert subscription.confirmed_at is not None
    assert subscription.sealed_email == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_old_style_token_gets_the_invalid_link_page_and_writes_nothing(sign_up, client, method):
    path = urlsplit(sign_up()).path
    token = path.split("/")[3]
    old_style = signing.dumps(ADDRESS.lower(), salt="archipel.newsletter.confirm")
    forged = [token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, old_style]

    for bad in forged:
        response = getattr(client, method)(f"/nouvelles/confirmer/{bad}/")
        assert response.status_code == 400, bad
        assert "Lien non valable" in visible_text(response)
        assert "Ce lien n’est pas valide" in visible_text(response)
    assert row().confirmed_at is None and row().email == ""


def test_an_expired_token_gets_the_expired_page_and_writes_nothing(sign_up, client):
    path = urlsplit(sign_up()).path
    Subscription.objects.update(
        confirmation_sent_at=timezone.now() - tokens.CONFIRMATION_MAX_AGE - timedelta(seconds=1)
    )

    for response in [client.get(path), client.post(path)]:
        assert response.status_code == 400
        assert "Ce lien de confirmation a expiré" in visible_text(response)
    assert row().confirmed_at is None and row().email == ""


def test_a_token_opens_only_its_own_sealed_address():
    first, second = tokens.confirmation_new("a@example.org"), tokens.confirmation_new("a@example.org")

    assert first.token != second.token and first.token_hash != second.token_hash
    assert tokens.confirmation_email(first.token, first.sealed_email) == "a@example.org"
    with pytest.raises(ValueError):
        tokens.confirmation_email(second.token, first.sealed_email)
