"""The seed catalogue is applied once per database (archipel.seeds, `load_catalogue`):
a start never puts back what staff changed or deleted in the admin; a changed seed file
is reviewed (`--changes`) and applied on purpose (`--reapply`); instances started
together migrate and load once (archipel.dblock, the `migrate` override)."""

import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from archipel import seeds
from archipel.dblock import SETUP_LOCK, advisory_lock, lock_key
from archipel.models import SeedFile
from cooperation.models import Country, LocalAuthority, Partnership, PartnershipStatus
from networks.models import Membership, Network, Objective
from proposals import services
from proposals.models import Proposal, Topic
from tests.databases import database_url, other_session

pytestmark = pytest.mark.django_db

SEED_FILES = [
    "01_reference.json",
    "02_places.json",
    "03_partnerships.json",
    "04_networks.json",
    "05_topic.json",
    "07_actors.json",
    "initial/06_proposals.json",
]


def start():
    """What `make run` does after migrating, at every start."""
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    return out.getvalue()


def load_catalogue(*args):
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue()


def catalogue_counts():
    models = [Country, LocalAuthority, Partnership, Network, Objective, Membership, Topic, Proposal]
    return {model.__name__: model.objects.count() for model in models}


# The admin, as staff use it ----------------------------------------------------------------


def form_data(form):
    """The POST data a browser sends for `form` as the page shows it."""
    data = {}
    for name in form.fields:
        value, key = form[name].value(), form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, (list, tuple, set)):
            data[key] = [str(item) for item in value]
        elif value is not None:
            data[key] = str(value)
    return data


def admin_change(client, obj, **changes):
    """Save `obj`'s admin change form with `changes`, everything else as shown (inlines
    included); assert it was accepted."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= form_data(formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for form in formset.initial_forms:
            data |= form_data(form)
    response = client.post(url, data | changes)
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors


def admin_delete(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


def test_a_start_keeps_what_staff_changed_and_deleted_in_the_admin(staff_client):
    eurocities = Network.objects.get(slug="eurocities")
    atlanta = Partnership.objects.get(slug="toulouse-atlanta")
    topic = Topic.objects.get(is_home=True)
    membership = Membership.objects.filter(network__slug="cglu").order_by("pk").first()
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()

    admin_change(staff_client, eurocities, description="Texte revu par l’équipe.")
    admin_change(
        staff_client, atlanta, status=PartnershipStatus.DORMANT, description="En sommeil depuis 2024."
    )
    admin_change(staff_client, topic, summary="Résumé revu par l’équipe.")
    admin_delete(staff_client, membership)
    admin_delete(staff_client, proposal)

    output = start()
    start()

    assert "Catalogue déjà appliqué" in output
    assert Network.objects.get(slug="eurocities").description == "Texte revu par l’équipe."
    atlanta.refresh_from_db()
    assert (atlanta.status, atlanta.description) == (PartnershipStatus.DORMANT, "En sommeil depuis 2024.")
    assert Topic.objects.get(is_home=True).summary == "Résumé revu par l’équipe."
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not Proposal.objects.filter(slug=proposal.slug).exists()


def test_a_start_keeps_the_participation_on_a_seeded_proposal(verified_citizen):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    services.vote_cast(proposal=proposal, user=verified_citizen, value="pour")

    start()

    proposal.refresh_from_db()
    assert proposal.votes_for == 1


def test_two_starts_give_the_same_rows():
    before = catalogue_counts()
    start()
    start()
    assert catalogue_counts() == before
    assert sorted(SeedFile.objects.values_list("path", flat=True)) == sorted(SEED_FILES)


def test_insert_missing_restores_a_missing_preconisation_with_its_tags_once():
    """How a new database gets the initial/ files (each applied once)."""
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    slug, tags = proposal.slug, sorted(proposal.tags.names())
    proposal.delete()
    path = seeds.INITIAL_DIR / "06_proposals.json"

    inserted = seeds.insert_missing(path)

    assert inserted == 1 + len(tags)  # the proposal and its tag links; the tags were there
    assert sorted(Proposal.objects.get(slug=slug).tags.names()) == tags
    assert seeds.insert_missing(path) == 0


# A new database, an upgraded one ---------------------------------------------------------


def test_a_new_database_gets_every_seed_file_once():
    """The test database is new: tests/conftest.py applied the catalogue at its creation."""
    recorded = dict(SeedFile.objects.values_list("path", "sha256"))
    assert recorded == {name: seeds.file_hash(seeds.FIXTURES_DIR / name) for name in SEED_FILES}
    assert Country.objects.count() == 23
    assert Partnership.objects.count() >= 17 and Network.objects.count() == 16
    assert Proposal.objects.filter(is_official=True).count() == 10


def test_the_upgrade_records_the_catalogue_an_older_version_loaded(staff_client):
    """A database loaded before SeedFile existed: migration 0002 records every file, so
    the first start after the upgrade keeps what staff changed."""
    migration = importlib.import_module("archipel.migrations.0002_seed_files")
    SeedFile.objects.all().delete()
    admin_change(staff_client, Network.objects.get(slug="eurocities"), description="Texte de l’équipe.")

    migration.record_loaded_catalogue(apps, type("SchemaEditor", (), {"connection": connection}))
    start()

    assert sorted(SeedFile.objects.values_list("path", flat=True)) == sorted(SEED_FILES)
    assert Network.objects.get(slug="eurocities").description == "Texte de l’équipe."


# A seed file that changed: review, then reapply ------------------------------------------


@pytest.fixture
def fixtures_copy(tmp_path, monkeypatch):
    """A copy of fixtures/ the test may edit, as if a new version of the seeds came in."""
    copy = tmp_path / "fixtures"
    shutil.copytree(seeds.FIXTURES_DIR, copy)
    monkeypatch.setattr(seeds, "FIXTURES_DIR", copy)
    monkeypatch.setattr(seeds, "INITIAL_DIR", copy / "initial")
    return copy


def edit_seed(path: Path, model: str, slug: str, **fields):
    objects = json.loads(path.read_text(encoding="utf-8"))
    for obj in objects:
        if obj["model"] == model and obj["fields"].get("slug") == slug:
            obj["fields"].update(fields)
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_start_tells_about_a_changed_seed_file_and_leaves_the_database_alone(fixtures_copy):
    old = Network.objects.get(slug="eurocities").description
    edit_seed(fixtures_copy / "04_networks.json", "networks.network", "eurocities", description="Nouveau.")

    output = start()

    assert "04_networks.json a changé depuis son application" in output
    assert "load_catalogue --changes 04_networks.json" in output
    assert Network.objects.get(slug="eurocities").description == old


def test_changes_shows_what_a_reapply_would_write_and_writes_nothing(fixtures_copy):
    edit_seed(fixtures_copy / "04_networks.json", "networks.network", "eurocities", tagline="Nouvelle devise")
    Objective.objects.filter(network__slug="aeropostale", position=1).delete()
    tagline = Network.objects.get(slug="eurocities").tagline
    hash_before = SeedFile.objects.get(path="04_networks.json").sha256

    output = load_catalogue("--changes")

    assert "04_networks.json" in output
    assert f"networks.network (eurocities) · tagline : « {tagline} » → « Nouvelle devise »" in output
    assert "networks.objective (aeropostale, 1) : absent de la base, serait ajouté" in output
    assert "03_partnerships.json" not in output  # unchanged files are not listed
    assert Network.objects.get(slug="eurocities").tagline == tagline
    assert not Objective.objects.filter(network__slug="aeropostale", position=1).exists()
    assert SeedFile.objects.get(path="04_networks.json").sha256 == hash_before


def test_changes_of_a_named_file_compares_it_even_unchanged():
    Partnership.objects.filter(slug="toulouse-atlanta").update(status=PartnershipStatus.ENDED)

    differences = seeds.seed_changes(["03_partnerships.json"])

    assert [(d.model, d.key, d.field, d.current, d.seed) for d in differences] == [
        ("cooperation.partnership", "(toulouse-atlanta)", "status", "« Terminé »", "« Actif »")
    ]


def test_changes_says_when_no_applied_file_changed():
    assert "Aucun fichier appliqué n’a changé" in load_catalogue("--changes")
    assert seeds.seed_changes() == []


def test_reapply_applies_the_file_and_records_its_new_content(fixtures_copy):
    path = fixtures_copy / "04_networks.json"
    edit_seed(path, "networks.network", "eurocities", tagline="Nouvelle devise")
    Objective.objects.filter(network__slug="aeropostale", position=1).delete()

    output = load_catalogue("--reapply", "04_networks.json")

    assert "Fichiers appliqués de nouveau : 04_networks.json." in output
    assert Network.objects.get(slug="eurocities").tagline == "Nouvelle devise"
    assert Objective.objects.filter(network__slug="aeropostale", position=1).exists()
    assert SeedFile.objects.get(path="04_networks.json").sha256 == seeds.file_hash(path)
    assert seeds.changed_seeds() == []
    assert "Catalogue déjà appliqué" in start() and "a changé" not in start()


def test_reapplying_the_preconisations_keeps_the_counters_equal_to_the_votes(verified_citizen):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    services.vote_cast(proposal=proposal, user=verified_citizen, value="pour")

    seeds.seeds_reapply(["initial/06_proposals.json"])

    proposal.refresh_from_db()
    assert proposal.votes_for == 1


def test_reapply_refuses_an_unknown_file_and_writes_nothing():
    before = dict(SeedFile.objects.values_list("path", "applied_at"))
    with pytest.raises(CommandError, match="n’est pas un fichier du catalogue"):
        call_command("load_catalogue", "--reapply", "04_networks.json", "inconnu.json", verbosity=0)
    assert dict(SeedFile.objects.values_list("path", "applied_at")) == before


# Several instances starting together -----------------------------------------------------


def test_the_advisory_lock_is_held_inside_and_released_after():
    key = lock_key(SETUP_LOCK)
    with other_session() as other:
        with advisory_lock(SETUP_LOCK):
            assert other.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0] is False
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0] is True
        other.execute("SELECT pg_advisory_unlock(%s)", [key])


def test_the_lock_key_is_stable():
    # A key that changed between two versions would let an old and a new instance race.
    assert lock_key("archipel.setup") == lock_key(SETUP_LOCK) == 8969323111997580966


@pytest.fixture
def fresh_database():
    """A database of its own on the test server, dropped at the end; its URL."""
    params = connection.settings_dict
    name = f"{params['NAME']}_start_{uuid.uuid4().hex[:8]}"
    with other_session() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, database_url(name)
    finally:
        with other_session() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_instances_started_together_migrate_and_load_once(fresh_database):
    name, url = fresh_database
    python, manage = shlex.quote(sys.executable), shlex.quote(str(Path(settings.BASE_DIR) / "manage.py"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "archipel.settings",
    }
    command = f"{python} {manage} migrate --noinput && {python} {manage} load_catalogue"
    processes = [
        subprocess.Popen(
            ["sh", "-c", command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=600)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], "\n".join(outputs)
    # The empty database had nothing recorded by migration 0002: one process applied
    # every file, the two others found it done.
    assert sum("Fichiers appliqués :" in output for output in outputs) == 1
    assert sum("Catalogue déjà appliqué" in output for output in outputs) == 2
    params = connection.settings_dict
    with psycopg.connect(url, autocommit=True) as fresh:
        counts = {
            table: fresh.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in [
                "cooperation_country",
                "networks_network",
                "networks_membership",
                "proposals_proposal",
            ]
        }
        seed_files = fresh.execute("SELECT count(*) FROM archipel_seedfile").fetchone()[0]
        cache_tables = [
            fresh.execute("SELECT to_regclass(%s)", [cache["LOCATION"]]).fetchone()[0]
            for cache in settings.CACHES.values()
            if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
        ]
    assert params["NAME"] != name
    assert counts == {
        "cooperation_country": Country.objects.count(),
        "networks_network": Network.objects.count(),
        "networks_membership": Membership.objects.count(),
        "proposals_proposal": Proposal.objects.count(),
    }
    assert seed_files == len(SEED_FILES)
    assert None not in cache_tables
