"""Nothing personal in the API: no user, no author, no individual vote, no citizen's e-mail,
neither in the schema nor in any answer. Organisations' contacts are public and stay."""

import json
import re

import pytest

from proposals import services
from proposals.models import Topic
from tests.factories import verify

pytestmark = pytest.mark.django_db

PERSONAL = {
    "author",
    "user",
    "users",
    "username",
    "display_name",
    "voter",
    "votes",
    "my_vote",
    "reporter",
    "last_login",
}


def property_names(schema):
    """Every property name declared anywhere in the schema's components."""
    names = set()
    for component in schema["components"]["schemas"].values():
        names |= set(component.get("properties", {}))
    return names


def test_the_schema_declares_nothing_personal(client):
    schema = client.get("/api/schema/?format=json").json()
    names = property_names(schema)
    assert not names & PERSONAL
    # The only e-mail is an organisation's public contact.
    owners = [
        name for name, c in schema["components"]["schemas"].items() if "email" in c.get("properties", {})
    ]
    assert owners == ["Organisation"]
    # No component for a user, a vote or a comment; no such key anywhere, parameters included.
    assert not [
        name for name in schema["components"]["schemas"] if re.match(r"(User|Vote|Comment|Report)", name)
    ]
    text = json.dumps(schema)
    assert not re.findall(
        r'"(author|user|username|display_name|email_address|password|voter|vote)"', text, re.I
    )


def test_no_answer_names_a_citizen(client, user_factory):
    citizen = verify(
        user_factory(
            username="camille-secrete", email="camille.secrete@example.org", display_name="Camille Secrète"
        )
    )
    proposal = services.proposal_create(
        user=citizen, topic=Topic.objects.get(is_home=True), title="Une maison de l’Europe", body="Ouvrir."
    )
    services.vote_cast(proposal=proposal, user=citizen, value="pour")
    services.comment_post(proposal=proposal, user=citizen, body="Je soutiens.")
    urls = [
        "/api/",
        f"/api/preconisations/{proposal.slug}/",
        "/api/preconisations/?page_size=100",
        "/api/partenariats/?page_size=100",
        "/api/collectivites/?page_size=100",
        "/api/organisations/?page_size=100",
        "/api/reseaux/?page_size=100",
        "/api/adhesions/?page_size=100",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in [
            "camille-secrete",
            "camille.secrete@example.org",
            "Camille Secrète",
            "Camille Secr\\u00e8te",
        ]:
            assert secret not in body, (url, secret)
    detail = client.get(f"/api/preconisations/{proposal.slug}/").json()
    assert detail["is_official"] is False
    assert (detail["votes_for"], detail["votes_against"], detail["comment_count"]) == (1, 0, 1)
    assert not set(detail) & PERSONAL
