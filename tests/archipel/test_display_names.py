"""Display names cannot impersonate: nobody takes another account's public name (its
display name, or the username shown when it has none) after folding case, accents,
punctuation and spaces, nor a name that passes for the site, its team or a deleted
account. The database holds the rule (a stored folded column, unique); the profile form
says it in French. A data migration folded the names already there and renamed the
later of two accounts that shared one."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from archipel.models import User
from tests.factories import UserFactory, verify
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

TAKEN = "Ce nom est déjà celui d’un autre participant ; choisissez-en un autre."
RESERVED = "Ce nom est réservé"


def _post_name(user, name):
    client = Client()
    client.force_login(user)
    return client.post("/profil/nom/", {"display_name": name})


@pytest.fixture
def jeanne():
    return verify(UserFactory(username="citoyen-0a1b2c3d", display_name="Jeanne Dupont-Léger"))


@pytest.mark.parametrize(
    "name",
    [
        "Jeanne Dupont-Léger",
        "jeanne dupont léger",
        "JEANNE DUPONT-LEGER",
        "Jeanne  Dupont.Léger",
        "Jeanne_Dupont'Léger!",
    ],
)
def test_another_accounts_name_is_refused_whatever_its_case_accents_or_punctuation(
    jeanne, verified_citizen, name
):
    verified_citizen.display_name = "Ancien nom"
    verified_citizen.save()

    response = _post_name(verified_citizen, name)

    assert response.status_code == 400
    assert TAKEN in visible_text(response)
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == "Ancien nom"


def test_the_username_of_an_account_without_a_display_name_is_taken_too(verified_citizen):
    nameless = UserFactory(username="citoyen-9f8e7d6c", display_name="")
    response = _post_name(verified_citizen, nameless.username.upper())
    assert response.status_code == 400
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == ""


@pytest.mark.parametrize(
    "name",
    [
        "Équipe Archipel – modération",
        "compte supprimé.",
        "Compte-Supprime",
        "La Modération",
        "L’ÉQUIPE",
        "Administrateur",
        "administratrice du site",
        "Anonyme",
        "Ville de Toulouse",
        "Archipel",
        "A.R.C.H.I.P.E.L",
        "citoyen-12345678",  # looks like an account that chose no name
    ],
)
def test_reserved_names_are_refused_in_french(verified_citizen, name):
    response = _post_name(verified_citizen, name)
    assert response.status_code == 400
    assert RESERVED in visible_text(response)
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == ""


def test_a_free_name_is_accepted_and_my_own_name_in_another_case_too(jeanne, verified_citizen):
    assert _post_name(verified_citizen, "Jeanne Durand").status_code == 302
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name == "Jeanne Durand"
    assert _post_name(jeanne, "jeanne DUPONT léger").status_code == 302
    jeanne.refresh_from_db()
    assert jeanne.display_name == "jeanne DUPONT léger"


def test_the_database_refuses_a_second_account_with_the_same_folded_name(jeanne):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(display_name="JEANNE dupont leger")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="jeanne-dupont-leger", display_name="")  # a username shows too
    jeanne.refresh_from_db()
    assert jeanne.name_key == "jeannedupontleger"


# The data migration --------------------------------------------------------------------------

BEFORE = ("archipel", "0004_roles")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _leaf():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return next(node for node in executor.loader.graph.leaf_nodes() if node[0] == "archipel")


@pytest.mark.django_db(transaction=True)
def test_the_migration_folds_the_names_there_and_renames_the_later_duplicates():
    before = _migrate(BEFORE)
    OldUser = before.get_model("archipel", "User")
    rows = [
        ("citoyen-00000001", "Jeanne Dupont"),
        ("citoyen-00000002", "jeanne dupont"),
        ("citoyen-00000003", "JEANNE-DUPONT"),
        ("citoyen-00000004", "Jeanne Dupont 2"),  # the first suffix is taken
        ("citoyen-00000005", "Équipe Archipel – modération"),
        ("citoyen-00000006", "citoyen-00000001"),  # another account's username
        ("citoyen-00000007", "Paul"),
    ]
    for n, (username, name) in enumerate(rows):
        OldUser.objects.create(username=username, display_name=name, email=f"m{n}@example.org")
    try:
        _migrate(_leaf())
        names_now = dict(
            User.objects.filter(username__startswith="citoyen-0000000").values_list(
                "username", "display_name"
            )
        )
        assert names_now["citoyen-00000001"] == "Jeanne Dupont"  # the first keeps it
        assert names_now["citoyen-00000004"] == "Jeanne Dupont 2"
        assert {names_now["citoyen-00000002"], names_now["citoyen-00000003"]} == {
            "jeanne dupont 3",
            "JEANNE-DUPONT 4",
        }
        assert names_now["citoyen-00000005"] == ""  # a reserved name is taken back: the username shows
        assert names_now["citoyen-00000006"] == ""
        assert names_now["citoyen-00000007"] == "Paul"
        keys = list(User.objects.values_list("name_key", flat=True))
        assert len(keys) == len(set(keys))
    finally:
        User.objects.filter(username__startswith="citoyen-0000000").delete()


def test_the_admins_form_refuses_another_accounts_name_in_french(jeanne, staff_user):
    """The admin's user form validates the model (User.clean), as the profile's does."""
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    other = UserFactory(display_name="Paul")
    request = RequestFactory().get("/")
    request.user = staff_user
    form_class = site._registry[User].get_form(request, other, fields=["username", "display_name"])
    form = form_class({"username": other.username, "display_name": "JEANNE dupont leger"}, instance=other)

    assert not form.is_valid()
    assert form.errors["display_name"] == [TAKEN]
    other.refresh_from_db()
    assert other.display_name == "Paul"


def test_a_name_taken_at_the_same_moment_is_refused_in_french_not_a_500(
    jeanne, verified_citizen, monkeypatch
):
    """Both forms checked the name free; the database takes the first one only."""
    monkeypatch.setattr(User, "clean", lambda self: None)  # the check both passed
    response = _post_name(verified_citizen, "Jeanne Dupont Léger")

    assert response.status_code == 400
    assert "Ce nom est déjà celui d’un autre participant" in visible_text(response)
    verified_citizen.refresh_from_db()
    assert verified_citizen.display_name != "Jeanne Dupont Léger"
