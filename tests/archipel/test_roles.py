"""The staff roles (archipel/roles.py) through the admin, as a matrix: every role × every
admin model × every action, then the moderation and answer actions, each refusal
answering 403 and writing nothing.

Roles: the four groups the migration creates, and `none`, a staff member in no group.
Each is a staff user from StaffUserFactory, stripped of the factory's own permissions
and put in the role's group: what they may do comes from the group alone. The tables
below state what each role may do, on their own, not read from archipel/roles.py: the
test of the groups compares the two.
"""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, RequestFactory
from django.urls import reverse
from taggit.models import Tag

from archipel.roles import ADMINISTRATOR, ANSWER_MANAGER, CATALOGUE_EDITOR, MODERATOR, ROLES, role_permissions
from cooperation.models import ActionField, ActivityType, Source, SustainableDevelopmentGoal
from corrections.models import Correction, TargetKind
from evaluation.models import PartnershipAction, PartnershipAssessment, PartnershipReview
from mailing.models import Delivery, Message, MessageKind
from meetings.models import Meeting
from newsletter.models import Bulletin, Subscription
from opendata.models import Export
from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Report, Topic
from tests.factories import (
    CountryFactory,
    LocalAuthorityFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProposalFactory,
    StaffUserFactory,
    ThemeFactory,
    UserFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

NONE = "none"
ROLE_NAMES = [CATALOGUE_EDITOR, MODERATOR, ANSWER_MANAGER, ADMINISTRATOR, NONE]
IDS = {CATALOGUE_EDITOR: "editor", MODERATOR: "moderator", ANSWER_MANAGER: "answers", ADMINISTRATOR: "admin"}


def _member(role):
    """A staff member whose only permissions are their role's group."""
    user = StaffUserFactory()
    user.user_permissions.clear()
    if role != NONE:
        user.groups.add(Group.objects.get(name=role))
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# One fresh row per admin model, with nothing depending on it (so that it can be deleted) --


def _procrastinate_job():
    from procrastinate.contrib.django.models import ProcrastinateJob

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES ('default', 'essai', '{}')"
            " RETURNING id"
        )
        [job_id] = cursor.fetchone()
    return ProcrastinateJob.objects.get(pk=job_id)


def _message():
    return Message.objects.create(kind=MessageKind.ANSWER, subject="Réponse d’essai", body="Texte.")


def _authenticator():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    user = UserFactory()
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("JBSWY3DPEHPK3PXP")}
    )


ROWS = {
    "account.emailaddress": lambda: EmailAddress.objects.create(
        user=UserFactory(), email="autre@example.org"
    ),
    "archipel.user": lambda: UserFactory(),
    "auth.group": lambda: Group.objects.create(name="Groupe d’essai"),
    "cooperation.actionfield": lambda: ActionField.objects.create(name="Champ d’essai", slug="champ-d-essai"),
    "cooperation.activitytype": lambda: ActivityType.objects.create(name="Type d’essai", slug="type-d-essai"),
    "cooperation.country": lambda: CountryFactory(),
    "cooperation.localauthority": lambda: LocalAuthorityFactory(),
    "cooperation.organisation": lambda: OrganisationFactory(),
    "cooperation.partnership": lambda: PartnershipFactory(),
    "cooperation.source": lambda: Source.objects.create(title="Source d’essai", url="https://example.org/s"),
    # The 17 goals are all in the catalogue, and no other can be.
    "cooperation.sustainabledevelopmentgoal": lambda: SustainableDevelopmentGoal.objects.get(number=17),
    "cooperation.theme": lambda: ThemeFactory(),
    "corrections.correction": lambda: Correction.objects.create(
        kind=TargetKind.NETWORK,
        network=NetworkFactory(),
        citizen=VerifiedUserFactory(),
        problem="Fondé en 1998.",
    ),
    "evaluation.partnershipaction": lambda: PartnershipAction.objects.create(
        partnership=PartnershipFactory(), title="Action d’essai", year=2020
    ),
    "evaluation.partnershipassessment": lambda: PartnershipAssessment.objects.create(
        partnership=PartnershipFactory(), year=2020, published_on="2021-01-15", achievements="Des échanges."
    ),
    "evaluation.partnershipreview": lambda: PartnershipReview.objects.create(
        partnership=PartnershipFactory(), author=VerifiedUserFactory(), comment="Un avis."
    ),
    "mailing.delivery": lambda: Delivery.objects.create(message=_message(), address="lectrice@example.org"),
    "meetings.meeting": lambda: Meeting.objects.create(
        title="Rencontre d’essai",
        slug="rencontre-d-essai",
        starts_at="2027-03-01T18:00:00Z",
        ends_at="2027-03-01T20:00:00Z",
        place="Salle du Sénéchal",
        capacity=30,
    ),
    "mailing.message": _message,
    "mfa.authenticator": _authenticator,
    "networks.membership": lambda: MembershipFactory(),
    "networks.network": lambda: NetworkFactory(),
    "newsletter.bulletin": lambda: Bulletin.objects.create(subject="Nouvelles d’essai", body="Texte."),
    "newsletter.subscription": lambda: Subscription.objects.create(email_hash="0" * 64),
    "opendata.export": lambda: Export.objects.create(
        dataset="essai", format="csv", content=b"a", size=1, etag='"essai"', built_at="2026-01-01T00:00:00Z"
    ),
    "procrastinate.procrastinatejob": _procrastinate_job,
    "proposals.comment": lambda: Comment.objects.create(
        proposal=ProposalFactory(), author=VerifiedUserFactory(), body="Un commentaire."
    ),
    "proposals.proposal": lambda: ProposalFactory(author=VerifiedUserFactory()),
    "proposals.report": lambda: Report.objects.create(
        reporter=VerifiedUserFactory(), proposal=ProposalFactory(), reason="spam"
    ),
    "proposals.topic": lambda: Topic.objects.create(
        title="Thématique d’essai",
        slug="thematique-d-essai",
        objectives="O",
        diagnostic="D",
        mayor_record="B",
    ),
    "taggit.tag": lambda: Tag.objects.create(name="étiquette d’essai", slug="etiquette-d-essai"),
}

ADMIN_MODELS = sorted(ROWS)


def test_the_matrix_covers_every_admin_model():
    # A model given an admin page is given a row here, and a place in the roles.
    assert {model._meta.label_lower for model in admin.site._registry} == set(ROWS)


# What each role may do: "list" the changelist, "add", "change", "delete" ------------------

ALL = frozenset({"list", "add", "change", "delete"})
CATALOGUE = [
    "cooperation.partnership",
    "cooperation.localauthority",
    "cooperation.organisation",
    "cooperation.activitytype",
    "cooperation.country",
    "cooperation.theme",
    "cooperation.sustainabledevelopmentgoal",
    "cooperation.actionfield",
    "cooperation.source",
    "networks.network",
    "networks.membership",
    "evaluation.partnershipaction",
    "evaluation.partnershipassessment",
]
MAY = {
    # And citizens' corrections of the catalogue: decided, never written by staff.
    CATALOGUE_EDITOR: dict.fromkeys(CATALOGUE, ALL)
    | {"corrections.correction": {"list", "change"}, "meetings.meeting": ALL},
    # Reports are handled (closed), citizens' content is hidden or restored by actions,
    # a partnership review by its moderation form; nothing is rewritten or deleted.
    MODERATOR: {
        "proposals.report": {"list", "change"},
        "proposals.proposal": {"list"},
        "proposals.comment": {"list"},
        "evaluation.partnershipreview": {"list", "change"},
    },
    ANSWER_MANAGER: {"proposals.proposal": {"list", "change"}},
    ADMINISTRATOR: dict.fromkeys(ADMIN_MODELS, ALL),
    NONE: {},
}


def _admin_offers(row) -> set[str]:
    """What the admin offers at all (to a superuser): nobody adds a comment or changes a
    sent e-mail, whatever their role."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="racine", is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[type(row)]
    offered = {"list"}
    if model_admin.has_add_permission(request):
        offered.add("add")
    if model_admin.has_change_permission(request, row):
        offered.add("change")
    if model_admin.has_delete_permission(request, row):
        offered.add("delete")
    return offered


def _snapshot(*rows):
    """The row count of every table, and every column of the rows the action aims at."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    return counts, [type(row)._base_manager.filter(pk=row.pk).values().first() for row in rows]


def _url(row, view):
    opts = row._meta
    args = [] if view in {"changelist", "add"} else [row.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ADMIN_MODELS)
@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda role: IDS.get(role, role))
def test_matrix_a_role_may_do_what_its_table_says_and_a_refusal_writes_nothing(role, model):
    """Each action of the table, allowed or refused, on one row: the changelist, the add
    and change pages (read-only for a role that may only look), then every refused write
    posted anyway (403, nothing written), and last the deletion when allowed."""
    row = ROWS[model]()
    client = _client(_member(role))
    allowed = MAY[role].get(model, set()) & _admin_offers(row)
    may_view = "list" in MAY[role].get(model, ())
    before = _snapshot(row)

    assert client.get(_url(row, "changelist")).status_code == (200 if "list" in allowed else 403)
    assert client.get(_url(row, "add")).status_code == (200 if "add" in allowed else 403)
    response = client.get(_url(row, "change"))
    assert response.status_code == (200 if may_view else 403)
    if may_view:
        assert response.context["has_change_permission"] is ("change" in allowed)
    assert client.get(_url(row, "delete")).status_code == (200 if "delete" in allowed else 403)

    refused_writes = {
        "add": (_url(row, "add"), {"name": "Ajout refusé", "title": "Ajout refusé"}),
        "change": (_url(row, "change"), {"name": "Changé", "title": "Changé"}),
        "delete": (_url(row, "delete"), {"post": "yes"}),
    }
    for action, (url, data) in refused_writes.items():
        if action not in allowed:
            assert client.post(url, data).status_code == 403, action
    assert _snapshot(row) == before

    if "delete" in allowed:
        assert client.post(_url(row, "delete"), {"post": "yes"}).status_code == 302
        assert not type(row)._base_manager.filter(pk=row.pk).exists()


def test_the_matrix_refuses_more_than_it_allows():
    allowed = sum(len(actions) for table in MAY.values() for actions in table.values())
    assert len(ROLE_NAMES) * len(ADMIN_MODELS) * len(ALL) - allowed > allowed  # 418 refusals, 182 permissions


# The admin index -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda role: IDS.get(role, role))
def test_the_admin_index_lists_the_models_of_the_role(role):
    response = _client(_member(role)).get(reverse("admin:index"))

    assert response.status_code == 200
    listed = {
        f"{app['app_label']}.{entry['object_name'].lower()}"
        for app in response.context["app_list"]
        for entry in app["models"]
    }
    assert listed == set(MAY[role])


def test_a_staff_member_with_no_group_sees_no_model_in_the_admin():
    response = _client(_member(NONE)).get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["app_list"] == []


# Moderation and answers ------------------------------------------------------------------


def _hidden(row):
    services.moderation_hide(target=row, reason="Hors sujet.")
    row.refresh_from_db()
    return row


def _action(row, name, **data):
    return _url(row, "changelist"), {"action": name, ACTION_CHECKBOX_NAME: [str(row.pk)], **data}


def _hide(row):
    return _action(row, "hide", apply="yes", reason="Propos injurieux.")


def _answer_form(proposal):
    """The change form as a browser posts it, with a status and an answer; the fields an
    answer manager may not change are left out of their form, and ignored."""
    text = {"topic": proposal.topic_id, "title": proposal.title, "slug": proposal.slug, "body": proposal.body}
    answer = {"status": ProposalStatus.ADOPTED, "official_answer": "La Ville l’adopte.", "notify": "on"}
    return {**text, "tags": "", **answer}


ACTIONS = {
    # name: (the row it acts on, the request, what it does when allowed)
    "hide_proposal": (ROWS["proposals.proposal"], _hide, lambda row: row.is_hidden),
    "restore_proposal": (
        lambda: _hidden(ROWS["proposals.proposal"]()),
        lambda row: _action(row, "restore", apply="yes", reason=""),
        lambda row: not row.is_hidden,
    ),
    "hide_comment": (ROWS["proposals.comment"], _hide, lambda row: row.is_hidden),
    "restore_comment": (
        lambda: _hidden(ROWS["proposals.comment"]()),
        lambda row: _action(row, "restore", apply="yes", reason=""),
        lambda row: not row.is_hidden,
    ),
    "hide_from_the_queue": (ROWS["proposals.report"], _hide, lambda row: row.proposal.is_hidden),
    "close_a_report": (
        ROWS["proposals.report"],
        lambda row: _action(row, "mark_resolved"),
        lambda row: row.resolved_at is not None,
    ),
    "answer": (
        ROWS["proposals.proposal"],
        lambda row: (_url(row, "change"), _answer_form(row)),
        lambda row: (row.status, row.official_answer) == (ProposalStatus.ADOPTED, "La Ville l’adopte."),
    ),
    "hide_a_review": (
        ROWS["evaluation.partnershipreview"],
        lambda row: (_url(row, "change"), {"is_hidden": "on", "hidden_reason": "Propos injurieux."}),
        lambda row: row.is_hidden,
    ),
}
ALLOWED_ACTIONS = {
    CATALOGUE_EDITOR: set(),
    MODERATOR: set(ACTIONS) - {"answer"},
    ANSWER_MANAGER: {"answer"},
    ADMINISTRATOR: set(ACTIONS),
    NONE: set(),
}


@pytest.mark.parametrize(
    "role, name",
    [pytest.param(role, name, id=f"{IDS.get(role, role)}-{name}") for role in ROLE_NAMES for name in ACTIONS],
)
def test_moderation_and_answers_by_role(role, name):
    build, request, done = ACTIONS[name]
    row = build()
    url, data = request(row)
    client = _client(_member(role))
    targets = [row, row.target] if isinstance(row, Report) else [row]
    before = _snapshot(*targets)

    response = client.post(url, data)

    row.refresh_from_db()
    if name in ALLOWED_ACTIONS[role]:
        assert response.status_code == 302
        assert done(row)
    else:
        assert response.status_code == 403
        assert _snapshot(*targets) == before


@pytest.mark.parametrize("role", [MODERATOR, ADMINISTRATOR], ids=["moderator", "admin"])
def test_a_moderator_is_asked_for_the_reason_first(role):
    row = ROWS["proposals.proposal"]()
    url, data = _action(row, "hide")

    response = _client(_member(role)).post(url, data)

    assert response.status_code == 200
    assert "Motif" in response.content.decode()


# The answer manager's form: status and answer only ----------------------------------------


def test_the_answer_manager_edits_the_status_and_the_answer_only():
    proposal = ROWS["proposals.proposal"]()
    url = _url(proposal, "change")

    response = _client(_member(ANSWER_MANAGER)).get(url)

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"status", "official_answer", "notify"}


def test_the_moderator_sees_no_answer_box():
    proposal = ROWS["proposals.proposal"]()

    response = _client(_member(MODERATOR)).get(_url(proposal, "change"))

    assert response.status_code == 200
    assert "Prévenir l’auteur et les votants" not in response.content.decode()


def test_a_crafted_post_changes_no_field_the_role_may_not():
    """The admin leaves read-only fields out of its form: posted anyway, they are ignored."""
    proposal = ROWS["proposals.proposal"]()
    original = Proposal.objects.filter(pk=proposal.pk).values().get()
    crafted = {
        "title": "Titre réécrit",
        "slug": "titre-reecrit",
        "body": "Texte réécrit.",
        "author": str(VerifiedUserFactory().pk),
        "is_official": "on",
        "is_hidden": "on",
        "hidden_reason": "Masquée sans motif.",
        "votes_for": "999",
        "topic": str(proposal.topic_id),
        "tags": "piratee",
        "status": ProposalStatus.UNDER_STUDY,
        "official_answer": "À l’étude.",
    }

    response = _client(_member(ANSWER_MANAGER)).post(_url(proposal, "change"), crafted)

    assert response.status_code == 302
    after = Proposal.objects.filter(pk=proposal.pk).values().get()
    changed = {key for key in after if after[key] != original[key]}
    assert changed == {"status", "official_answer", "answered_at", "updated_at"}
    assert list(proposal.tags.names()) == []


def test_staff_who_may_rewrite_a_proposal_but_not_answer_it_change_its_text_only():
    """Not a role today, but the admin tells the two permissions apart all the same."""
    proposal = ROWS["proposals.proposal"]()
    user = _member(NONE)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_proposal", "change_proposal"]))
    client = _client(user)
    assert set(client.get(_url(proposal, "change")).context["adminform"].form.fields) == {
        "topic",
        "title",
        "slug",
        "body",
        "tags",
        "themes",
        "is_official",
    }

    response = client.post(
        _url(proposal, "change"), {**_answer_form(proposal), "title": "Un titre plus clair"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status, proposal.official_answer) == (
        "Un titre plus clair",
        ProposalStatus.PUBLISHED,
        "",
    )


def test_saving_refuses_a_field_outside_the_role_even_if_the_form_carries_it():
    """The check on save, for a form that would carry a field the role may not change
    (a future form, a mistaken fieldset): refused, nothing written."""
    proposal = ROWS["proposals.proposal"]()
    model_admin = admin.site._registry[Proposal]
    # The form an administrator gets, which carries the title.
    administrator = RequestFactory().get("/admin/")
    administrator.user = _member(ADMINISTRATOR)
    form_class = model_admin.get_form(administrator, proposal, change=True)
    data = {
        "topic": proposal.topic_id,
        "title": "Titre réécrit",
        "slug": proposal.slug,
        "body": proposal.body,
        "tags": "",
        "status": ProposalStatus.ADOPTED,
        "official_answer": "Oui.",
    }
    form = form_class(data, instance=proposal)
    assert form.is_valid(), form.errors
    assert "title" in form.changed_data
    request = RequestFactory().post("/admin/")
    request.user = _member(ANSWER_MANAGER)

    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, form.save(commit=False), form, change=True)

    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) != ("Titre réécrit", ProposalStatus.ADOPTED)
    assert proposal.title.startswith("Préconisation d’essai")


# The groups ------------------------------------------------------------------------------


def _group_permissions(role):
    group = Group.objects.get(name=role)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.parametrize("role", ROLES, ids=lambda role: IDS[role])
def test_the_migrated_groups_hold_the_table_of_roles(role):
    # A change to archipel/roles.py without the migration that copies it fails here.
    assert _group_permissions(role) == role_permissions(role)


def _run_the_migration_again():
    """The roles' migrations again, in order: 0004_roles, then 0006_roles_meetings."""
    for name, function in [("0004_roles", "create_roles"), ("0006_roles_meetings", "add_meetings")]:
        migration = importlib.import_module(f"archipel.migrations.{name}")
        state = MigrationExecutor(connection).loader.project_state(("archipel", name))
        with connection.schema_editor() as schema_editor:
            getattr(migration, function)(state.apps, schema_editor)


def test_the_migration_can_run_again_and_restores_the_roles():
    Group.objects.get(name=MODERATOR).permissions.clear()
    Group.objects.get(name=ANSWER_MANAGER).delete()
    # Permissions not created yet, as on a fresh database before post_migrate.
    Permission.objects.filter(codename__in=["moderate_proposal", "answer_proposal"]).delete()

    _run_the_migration_again()
    _run_the_migration_again()

    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    for role in ROLES:
        assert _group_permissions(role) == role_permissions(role)
    assert Permission.objects.filter(codename__in=["moderate_proposal", "answer_proposal"]).count() == 2


def test_an_administrator_makes_nobody_superuser_and_leaves_superusers_alone():
    """Superusers aside: the Administrateur role may manage accounts, not raise one (its
    own included) to superuser, nor change or delete a superuser's account."""
    administrator = _member(ADMINISTRATOR)
    client = _client(administrator)
    citizen = UserFactory(username="citoyenne-promue")
    superuser = UserFactory(username="racine", is_staff=True, is_superuser=True)

    form = client.get(reverse("admin:archipel_user_change", args=[citizen.pk]))
    assert form.status_code == 200
    assert "is_superuser" not in form.context["adminform"].form.fields
    for user in [citizen, administrator]:
        data = {
            "username": user.username,
            "email": user.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "display_name": "",
        }
        client.post(reverse("admin:archipel_user_change", args=[user.pk]), data)
        user.refresh_from_db()
        assert not user.is_superuser, user.username

    for view in ["change", "delete"]:
        assert client.get(reverse(f"admin:archipel_user_{view}", args=[superuser.pk])).status_code == 403
    password = superuser.password
    assert (
        client.post(reverse("admin:archipel_user_delete", args=[superuser.pk]), {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "nouveau-mot-de-passe-42", "password2": "nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.password == password and superuser.is_superuser
