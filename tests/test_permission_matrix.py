"""Who may do what, as a matrix: every permission predicate against every role and every
state it tells apart, then every refused action through HTTP, writing nothing.

The predicates are one function per action (`core.permissions.is_verified`,
`proposals.permissions.can_*`, `evaluation.permissions.can_review`). Each table below
names, per state, the roles the predicate lets through; every other role of `ROLES` is
refused, so the refusals outnumber the permissions.

Roles: `anonymous`; `unverified`, registered but its address is not verified; `citizen`,
verified and owning nothing here (another citizen); `staff`, a verified catalogue editor;
`superuser`, verified; the `author` of the proposal or comment, verified; the author with
an `unverified_author` address; the author whose account is deactivated
(`deactivated_author`). Staff and superusers have no say here: they moderate in the admin.
Nor have the staff roles (archipel/roles.py): a `moderator`, an `answer_manager` and an
`administrator`, verified members of their group, are refused the author's writes over
HTTP below; what each role may do in the admin is tests/archipel/test_roles.py's matrix.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archipel.roles import ADMINISTRATOR, ANSWER_MANAGER, MODERATOR
from cooperation.models import Theme
from core.permissions import is_verified
from evaluation.permissions import can_review
from proposals import permissions, services
from proposals.models import Comment, ProposalStatus, Report, Vote
from tests.factories import (
    PartnershipFactory,
    ProposalFactory,
    StaffUserFactory,
    UserFactory,
    VerifiedUserFactory,
    verify,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "unverified",
    "citizen",
    "staff",
    "superuser",
    "author",
    "unverified_author",
    "deactivated_author",
]
# For predicates about the user alone: nobody is an author, and a deactivated account
# that is verified stands for the deactivated user.
PEOPLE = ["anonymous", "unverified", "citizen", "staff", "superuser", "deactivated"]

NOBODY = frozenset()
AUTHOR = frozenset({"author"})
OTHERS = frozenset({"citizen", "staff", "superuser"})  # verified, active, not the author
VERIFIED = OTHERS | AUTHOR  # verified and active


# Building the people and the states -------------------------------------------------------


def _owner(role):
    """The author of what the test builds; unverified or deactivated when the role says so."""
    user = UserFactory()
    if role != "unverified_author":
        verify(user)
    if role == "deactivated_author":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


STAFF_ROLES = {"moderator": MODERATOR, "answer_manager": ANSWER_MANAGER, "administrator": ADMINISTRATOR}


def _role_member(group_name):
    """A verified staff member whose permissions are their role's group only."""
    user = verify(StaffUserFactory())
    user.user_permissions.clear()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _actor(role, owner=None):
    if role == "anonymous":
        return AnonymousUser()
    if role in {"author", "unverified_author", "deactivated_author"}:
        return owner
    if role == "unverified":
        return UserFactory()
    if role == "staff":
        return verify(StaffUserFactory())
    if role == "superuser":
        return VerifiedUserFactory(is_staff=True, is_superuser=True)
    if role in STAFF_ROLES:
        return _role_member(STAFF_ROLES[role])
    assert role in {"citizen", "deactivated"}, role
    user = VerifiedUserFactory()
    if role == "deactivated":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


STATUS = {
    "published": ProposalStatus.PUBLISHED,
    "under_study": ProposalStatus.UNDER_STUDY,
    "adopted": ProposalStatus.ADOPTED,
    "rejected": ProposalStatus.REJECTED,
    "withdrawn": ProposalStatus.WITHDRAWN,
}
PROPOSAL_STATES = [*STATUS, "hidden", "voted", "official"]


def _proposal(state, owner):
    """A citizen's proposal by `owner` in `state`: a status; `hidden` by moderation;
    `voted`, published with one vote by someone else; `official`, Archipel's own (no
    author: the owner is just another verified user there)."""
    if state == "official":
        return ProposalFactory(is_official=True, author=None)
    proposal = ProposalFactory(
        author=owner, status=STATUS.get(state, ProposalStatus.PUBLISHED), is_hidden=state == "hidden"
    )
    if state == "voted":
        Vote.objects.create(proposal=proposal, user=VerifiedUserFactory(), value="pour")
        services.proposals_recount([proposal.pk])
        proposal.refresh_from_db()
    return proposal


COMMENT_STATES = [
    "visible",
    "reply",
    "hidden",
    "deleted",
    "on_closed_proposal",
    "on_hidden_proposal",
    "author_gone",
]


def _comment(state, owner):
    """A comment by `owner` on an official proposal, in `state`: a `reply` to someone
    else's comment; `hidden` by moderation; `deleted` by its author; on a rejected or a
    hidden proposal; `author_gone`, its account deleted (no author)."""
    proposal = ProposalFactory(
        is_official=True,
        status=ProposalStatus.REJECTED if state == "on_closed_proposal" else ProposalStatus.PUBLISHED,
        is_hidden=state == "on_hidden_proposal",
    )
    fields = {"proposal": proposal, "author": owner, "body": "Un avis argumenté."}
    if state == "reply":
        fields["parent"] = Comment.objects.create(proposal=proposal, author=UserFactory(), body="Question ?")
    elif state == "hidden":
        fields |= {"is_hidden": True, "hidden_reason": "Propos injurieux."}
    elif state == "deleted":
        fields |= {"body": "", "deleted_at": timezone.now()}
    elif state == "author_gone":
        fields["author"] = None
    return Comment.objects.create(**fields)


# The matrix ------------------------------------------------------------------------------

OPEN_FOR_VOTES = {
    "published": VERIFIED,
    "under_study": VERIFIED,
    "adopted": VERIFIED,
    "rejected": NOBODY,
    "withdrawn": NOBODY,
    "hidden": NOBODY,
    "voted": VERIFIED,
    "official": VERIFIED,
}

PROPOSAL_MATRIX = {
    "can_vote": (lambda user, proposal: permissions.can_vote(user, proposal), OPEN_FOR_VOTES),
    "can_comment": (lambda user, proposal: permissions.can_comment(user, proposal), OPEN_FOR_VOTES),
    # The author edits until the first vote, while the proposal is open and visible.
    "can_edit_proposal": (
        lambda user, proposal: permissions.can_edit_proposal(user, proposal),
        {
            "published": AUTHOR,
            "under_study": AUTHOR,
            "adopted": AUTHOR,
            "rejected": NOBODY,
            "withdrawn": NOBODY,
            "hidden": NOBODY,
            "voted": NOBODY,
            "official": NOBODY,
        },
    ),
    # The author withdraws while votes are open, votes cast or not, hidden or not.
    "can_withdraw_proposal": (
        lambda user, proposal: permissions.can_withdraw_proposal(user, proposal),
        {
            "published": AUTHOR,
            "under_study": AUTHOR,
            "adopted": AUTHOR,
            "rejected": NOBODY,
            "withdrawn": NOBODY,
            "hidden": AUTHOR,
            "voted": AUTHOR,
            "official": NOBODY,
        },
    ),
    # Anyone but the author reports what is visible, closed or not.
    "can_report_proposal": (
        lambda user, proposal: permissions.can_report(user, proposal=proposal),
        {
            "published": OTHERS,
            "under_study": OTHERS,
            "adopted": OTHERS,
            "rejected": OTHERS,
            "withdrawn": OTHERS,
            "hidden": NOBODY,
            "voted": OTHERS,
            "official": VERIFIED,
        },
    ),
}

COMMENT_MATRIX = {
    # One level of replies, to a comment still there, where commenting is open.
    "can_reply": (
        lambda user, comment: permissions.can_reply(user, comment),
        {
            "visible": VERIFIED,
            "reply": NOBODY,
            "hidden": NOBODY,
            "deleted": NOBODY,
            "on_closed_proposal": NOBODY,
            "on_hidden_proposal": NOBODY,
            "author_gone": VERIFIED,
        },
    ),
    # Only the author, while the comment is neither deleted nor hidden by moderation.
    "can_edit_comment": (
        lambda user, comment: permissions.can_edit_comment(user, comment),
        {
            "visible": AUTHOR,
            "reply": AUTHOR,
            "hidden": NOBODY,
            "deleted": NOBODY,
            "on_closed_proposal": AUTHOR,
            "on_hidden_proposal": AUTHOR,
            "author_gone": NOBODY,
        },
    ),
    # Only the author, hidden or not, once.
    "can_delete_comment": (
        lambda user, comment: permissions.can_delete_comment(user, comment),
        {
            "visible": AUTHOR,
            "reply": AUTHOR,
            "hidden": AUTHOR,
            "deleted": NOBODY,
            "on_closed_proposal": AUTHOR,
            "on_hidden_proposal": AUTHOR,
            "author_gone": NOBODY,
        },
    ),
    "can_report_comment": (
        lambda user, comment: permissions.can_report(user, comment=comment),
        {
            "visible": OTHERS,
            "reply": OTHERS,
            "hidden": NOBODY,
            "deleted": NOBODY,
            "on_closed_proposal": OTHERS,
            "on_hidden_proposal": OTHERS,
            "author_gone": VERIFIED,
        },
    ),
}

# Taking part at all: a signed-in, active user with a verified address.
PERSON_MATRIX = {
    "is_verified": is_verified,
    "can_take_part": permissions.can_take_part,
    "can_propose": permissions.can_propose,
    "can_review": can_review,
}
TAKES_PART = frozenset({"citizen", "staff", "superuser"})


def _cases(matrix, states, roles):
    for name, (_predicate, table) in matrix.items():
        assert set(table) == set(states), name  # every state decided, none forgotten
        for state in states:
            for role in roles:
                expected = role in table[state]
                yield pytest.param(name, state, role, expected, id=f"{name}-{state}-{role}")


@pytest.mark.parametrize("name, state, role, expected", list(_cases(PROPOSAL_MATRIX, PROPOSAL_STATES, ROLES)))
def test_proposal_predicates(name, state, role, expected):
    owner = _owner(role)
    proposal = _proposal(state, owner)
    predicate, _table = PROPOSAL_MATRIX[name]
    assert predicate(_actor(role, owner), proposal) is expected


@pytest.mark.parametrize("name, state, role, expected", list(_cases(COMMENT_MATRIX, COMMENT_STATES, ROLES)))
def test_comment_predicates(name, state, role, expected):
    owner = _owner(role)
    comment = _comment(state, owner)
    predicate, _table = COMMENT_MATRIX[name]
    assert predicate(_actor(role, owner), comment) is expected


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("name", sorted(PERSON_MATRIX))
def test_person_predicates(name, role):
    assert PERSON_MATRIX[name](_actor(role)) is (role in TAKES_PART)


def test_the_matrix_refuses_more_than_it_allows():
    allowed = refused = 0
    for matrix, states, roles in [
        (PROPOSAL_MATRIX, PROPOSAL_STATES, ROLES),
        (COMMENT_MATRIX, COMMENT_STATES, ROLES),
    ]:
        for _predicate, table in matrix.values():
            for state in states:
                allowed += len(table[state])
                refused += len(roles) - len(table[state])
    allowed += len(PERSON_MATRIX) * len(TAKES_PART)
    refused += len(PERSON_MATRIX) * (len(PEOPLE) - len(TAKES_PART))
    assert refused > allowed  # 453 refusals, 115 permissions today


# Every refusal through HTTP: the status, and nothing written ------------------------------
#
# Posted through Django's test client, which passes the CSRF check as a browser holding
# its token would: a 403 here is the permission's, never CSRF's. LOGIN: a redirect to the
# sign-in page, back to the URL tried; a deactivated account's session no longer signs
# anyone in, so it gets the same.

LOGIN = "login"


def _client(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _vote(role, state):
    owner = _owner(role)
    proposal = _proposal(state, owner)
    return _actor(role, owner), reverse("proposals:vote", args=[proposal.slug]), {"value": "pour"}, [proposal]


def _withdraw_vote(role, state):
    """The actor voted while the proposal was open; then it reached `state`."""
    actor, url, _data, rows = _vote(role, state)
    if actor.is_authenticated:
        rows.append(Vote.objects.create(proposal=rows[0], user=actor, value="pour"))
        services.proposals_recount([rows[0].pk])
    return actor, url, {"value": "retirer"}, rows


def _comment_on(role, state):
    owner = _owner(role)
    proposal = _proposal(state, owner)
    data = {"body": "Je suis d’accord.", "alignment": "pour"}
    return _actor(role, owner), reverse("proposals:comment_create", args=[proposal.slug]), data, [proposal]


def _reply(role, state):
    """A reply to someone else's comment in `state`."""
    comment = _comment(state, _owner("author"))
    url = reverse("proposals:comment_create", args=[comment.proposal.slug])
    data = {"body": "Je réponds.", "alignment": "", "parent": comment.pk}
    return _actor(role), url, data, [comment.proposal, comment]


def _edit_comment(role, state):
    owner = _owner(role)
    comment = _comment(state, owner)
    data = {"body": "Texte changé.", "alignment": "contre"}
    return _actor(role, owner), reverse("proposals:comment_edit", args=[comment.pk]), data, [comment]


def _delete_comment(role, state):
    owner = _owner(role)
    comment = _comment(state, owner)
    url = reverse("proposals:comment_delete", args=[comment.pk])
    return _actor(role, owner), url, {}, [comment.proposal, comment]


def _report_proposal(role, state):
    owner = _owner(role)
    proposal = _proposal("published" if state == "already_reported" else state, owner)
    actor = _actor(role, owner)
    if state == "already_reported":
        Report.objects.create(reporter=actor, proposal=proposal, reason="spam")
    url = reverse("proposals:proposal_report", args=[proposal.slug])
    return actor, url, {"reason": "injure", "details": "Insultant."}, [proposal]


def _report_comment(role, state):
    owner = _owner(role)
    comment = _comment(state, owner)
    url = reverse("proposals:comment_report", args=[comment.pk])
    return _actor(role, owner), url, {"reason": "spam", "details": ""}, [comment]


def _propose(role, state):
    data = {"title": "Une maison de l’Europe", "body": "Dans chaque quartier.", "tags": "europe"}
    return _actor(role), reverse("proposals:proposal_create"), data, []


def _edit_proposal(role, state):
    owner = _owner(role)
    proposal = _proposal(state, owner)
    data = {"title": "Titre changé", "body": "Texte changé.", "tags": "nouvelle"}
    return _actor(role, owner), reverse("proposals:proposal_edit", args=[proposal.slug]), data, [proposal]


def _withdraw_proposal(role, state):
    owner = _owner(role)
    proposal = _proposal(state, owner)
    return _actor(role, owner), reverse("proposals:proposal_withdraw", args=[proposal.slug]), {}, [proposal]


def _review(role, state):
    partnership = PartnershipFactory()
    data = {f"axe-{theme.slug}": "4" for theme in Theme.objects.all()} | {"comment": "Des échanges utiles."}
    return _actor(role), reverse("evaluation:review", args=[partnership.slug]), data, [partnership]


def _withdraw_review(role, state):
    """The actor reviewed the partnership before (before its address or account changed)."""
    actor, _url, _data, rows = _review(role, state)
    if actor.is_authenticated:
        rows.append(rows[0].reviews.create(author=actor, comment="Mon avis."))
    return actor, reverse("evaluation:review_withdraw", args=[rows[0].slug]), {}, rows


ACTIONS = {
    "vote": _vote,
    "withdraw_vote": _withdraw_vote,
    "comment": _comment_on,
    "reply": _reply,
    "edit_comment": _edit_comment,
    "delete_comment": _delete_comment,
    "report_proposal": _report_proposal,
    "report_comment": _report_comment,
    "propose": _propose,
    "edit_proposal": _edit_proposal,
    "withdraw_proposal": _withdraw_proposal,
    "review": _review,
    "withdraw_review": _withdraw_review,
}

REFUSALS = [
    ("vote", "anonymous", "published", LOGIN),
    ("vote", "deactivated", "published", LOGIN),
    ("vote", "unverified", "published", 403),
    ("vote", "citizen", "rejected", 403),
    ("vote", "citizen", "withdrawn", 403),
    ("vote", "citizen", "hidden", 403),
    ("withdraw_vote", "anonymous", "published", LOGIN),
    ("withdraw_vote", "deactivated", "published", LOGIN),
    ("withdraw_vote", "unverified", "published", 403),
    ("withdraw_vote", "citizen", "rejected", 403),
    ("withdraw_vote", "citizen", "withdrawn", 403),
    ("withdraw_vote", "citizen", "hidden", 403),
    ("comment", "anonymous", "published", LOGIN),
    ("comment", "deactivated", "published", LOGIN),
    ("comment", "unverified", "published", 403),
    ("comment", "citizen", "rejected", 403),
    ("comment", "citizen", "withdrawn", 403),
    ("comment", "citizen", "hidden", 403),
    ("reply", "anonymous", "visible", LOGIN),
    ("reply", "deactivated", "visible", LOGIN),
    ("reply", "unverified", "visible", 403),
    ("reply", "citizen", "on_closed_proposal", 403),
    ("reply", "citizen", "on_hidden_proposal", 403),
    # Refused as bad input, with the form shown again: one level of replies only, and
    # nothing left to answer once deleted.
    ("reply", "citizen", "reply", 400),
    ("reply", "citizen", "deleted", 400),
    ("reply", "citizen", "hidden", 400),  # no reply under hidden content
    ("edit_comment", "anonymous", "visible", LOGIN),
    ("edit_comment", "deactivated_author", "visible", LOGIN),
    ("edit_comment", "unverified_author", "visible", 403),
    ("edit_comment", "citizen", "visible", 403),
    ("edit_comment", "staff", "visible", 403),
    ("edit_comment", "superuser", "visible", 403),
    ("edit_comment", "moderator", "visible", 403),
    ("edit_comment", "administrator", "visible", 403),
    ("edit_comment", "author", "hidden", 403),
    ("edit_comment", "author", "deleted", 403),
    ("delete_comment", "anonymous", "visible", LOGIN),
    ("delete_comment", "deactivated_author", "visible", LOGIN),
    ("delete_comment", "unverified_author", "visible", 403),
    ("delete_comment", "citizen", "visible", 403),
    ("delete_comment", "staff", "visible", 403),
    ("delete_comment", "superuser", "visible", 403),
    ("delete_comment", "moderator", "visible", 403),
    ("delete_comment", "administrator", "visible", 403),
    ("delete_comment", "author", "deleted", 403),
    ("report_proposal", "anonymous", "published", LOGIN),
    ("report_proposal", "deactivated", "published", LOGIN),
    ("report_proposal", "unverified", "published", 403),
    ("report_proposal", "author", "published", 403),
    ("report_proposal", "citizen", "hidden", 403),
    ("report_proposal", "citizen", "already_reported", 400),
    ("report_comment", "anonymous", "visible", LOGIN),
    ("report_comment", "deactivated", "visible", LOGIN),
    ("report_comment", "unverified", "visible", 403),
    ("report_comment", "author", "visible", 403),
    ("report_comment", "citizen", "hidden", 403),
    ("report_comment", "citizen", "deleted", 403),
    ("propose", "anonymous", "-", LOGIN),
    ("propose", "deactivated", "-", LOGIN),
    ("propose", "unverified", "-", 403),
    ("edit_proposal", "anonymous", "published", LOGIN),
    ("edit_proposal", "deactivated_author", "published", LOGIN),
    ("edit_proposal", "unverified_author", "published", 403),
    ("edit_proposal", "citizen", "published", 403),
    ("edit_proposal", "staff", "published", 403),
    ("edit_proposal", "superuser", "published", 403),
    ("edit_proposal", "moderator", "published", 403),
    ("edit_proposal", "answer_manager", "published", 403),
    ("edit_proposal", "administrator", "published", 403),
    ("edit_proposal", "author", "voted", 403),
    ("edit_proposal", "author", "withdrawn", 403),
    ("edit_proposal", "author", "hidden", 403),
    ("edit_proposal", "citizen", "official", 403),
    ("withdraw_proposal", "anonymous", "published", LOGIN),
    ("withdraw_proposal", "deactivated_author", "published", LOGIN),
    ("withdraw_proposal", "unverified_author", "published", 403),
    ("withdraw_proposal", "citizen", "published", 403),
    ("withdraw_proposal", "staff", "published", 403),
    ("withdraw_proposal", "superuser", "published", 403),
    ("withdraw_proposal", "moderator", "published", 403),
    ("withdraw_proposal", "answer_manager", "published", 403),
    ("withdraw_proposal", "administrator", "published", 403),
    ("withdraw_proposal", "author", "rejected", 403),
    ("withdraw_proposal", "author", "withdrawn", 403),
    ("withdraw_proposal", "citizen", "official", 403),
    ("review", "anonymous", "-", LOGIN),
    ("review", "deactivated", "-", LOGIN),
    ("review", "unverified", "-", 403),
    ("withdraw_review", "anonymous", "-", LOGIN),
    ("withdraw_review", "deactivated", "-", LOGIN),
    ("withdraw_review", "unverified", "-", 403),
]

# The same requests by someone allowed: proof that the refusals above are the
# permission's, not a wrong URL or form.
ALLOWED = [
    ("vote", "citizen", "published"),
    ("withdraw_vote", "citizen", "published"),
    ("comment", "citizen", "published"),
    ("reply", "citizen", "visible"),
    ("edit_comment", "author", "visible"),
    ("delete_comment", "author", "visible"),
    ("report_proposal", "citizen", "published"),
    ("report_comment", "citizen", "visible"),
    ("propose", "citizen", "-"),
    ("edit_proposal", "author", "published"),
    ("withdraw_proposal", "author", "published"),
    ("review", "citizen", "-"),
    ("withdraw_review", "citizen", "-"),
]


def _snapshot(rows):
    """The row count of every table, and every column of the rows the action aims at."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    return counts, [type(row)._base_manager.filter(pk=row.pk).values().first() for row in rows]


@pytest.mark.parametrize(
    "action, role, state, expected",
    [pytest.param(*case, id="-".join(map(str, case[:3]))) for case in REFUSALS],
)
def test_a_refused_action_answers_and_writes_nothing(action, role, state, expected):
    actor, url, data, rows = ACTIONS[action](role, state)
    client = _client(actor)
    before = _snapshot(rows)

    response = client.post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected
    assert _snapshot(rows) == before


@pytest.mark.parametrize(
    "action, role, state",
    [pytest.param(*case, id="-".join(case)) for case in ALLOWED],
)
def test_the_same_action_by_someone_allowed_is_done(action, role, state):
    actor, url, data, rows = ACTIONS[action](role, state)
    client = _client(actor)
    before = _snapshot(rows)

    response = client.post(url, data)

    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("account_login"))
    assert _snapshot(rows) != before


def test_every_action_is_refused_somewhere_and_allowed_somewhere():
    assert {case[0] for case in REFUSALS} == {case[0] for case in ALLOWED} == set(ACTIONS)
