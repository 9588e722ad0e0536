"""The seed catalogue (`fixtures/`): each file applied once per database, then reviewed.

Staff keep the catalogue up to date in the admin; a start must never put a seeded row
back as the seeds say, nor re-create one staff deleted. So a start applies only the files
this database has never had (recorded in `SeedFile`), and a seed file that changed after
it was applied is an explicit step: `seed_changes` shows what applying it again would
write, `seeds_reapply` does it.

Two kinds of files:
- `fixtures/*.json`, the catalogue, applied with `loaddata` (natural keys across files);
- `fixtures/initial/*.json`, participation content (Archipel's préconisations), applied
  by inserting what is missing: votes, counters and answers may already point at them.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archipel.models import SeedFile
from core.history import HistoryRole, recording_loaded_rows
from proposals.services import proposals_recount

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
INITIAL_DIR = FIXTURES_DIR / "initial"

# Counters recomputed from the votes and comments after a reapply (see seeds_reapply):
# what the seed says of them is never written for good, so never a change to review.
DERIVED_FIELDS = {"proposals.proposal": {"votes_for", "votes_against", "comment_count"}}


class UnknownSeedFile(ValueError):
    pass


def catalogue_fixtures() -> list[Path]:
    """The catalogue files, in loading order (files are numbered by dependency)."""
    return sorted(FIXTURES_DIR.glob("*.json"))


def initial_fixtures() -> list[Path]:
    return sorted(INITIAL_DIR.glob("*.json"))


def seed_name(path: Path) -> str:
    """How SeedFile names a file: relative to fixtures/, with forward slashes."""
    return path.relative_to(FIXTURES_DIR).as_posix()


def seed_path(name: str) -> Path:
    """The seed file `name` designates: "04_networks.json", "initial/06_proposals.json",
    "fixtures/04_networks.json" or a path to it. Raises UnknownSeedFile otherwise."""
    seeds = catalogue_fixtures() + initial_fixtures()
    for path in seeds:
        if name in (seed_name(path), path.name) or Path(name).resolve() == path.resolve():
            return path
    raise UnknownSeedFile(
        _("« %(name)s » n’est pas un fichier du catalogue. Fichiers : %(names)s.")
        % {"name": name, "names": ", ".join(seed_name(path) for path in seeds)}
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(paths: Iterable[Path]) -> None:
    """Record `paths` as applied with their current content. Call inside the transaction
    that applied them, so that a file is recorded if and only if it was applied."""
    for path in paths:
        SeedFile.objects.update_or_create(
            path=seed_name(path), defaults={"sha256": file_hash(path), "applied_at": timezone.now()}
        )


# Applying --------------------------------------------------------------------------------


@dataclass
class ApplyReport:
    applied: list[str]  # files applied now, never applied before
    inserted: int  # objects inserted from the initial/ files among them
    changed: list[SeedFile]  # files applied earlier whose content has changed since


def seeds_apply(*, verbosity: int = 0) -> ApplyReport:
    """Apply every seed file this database has never had, in one transaction; leave the
    files already applied alone, even when they changed (the report lists those).

    Call holding the SETUP_LOCK advisory lock (archipel.dblock): two instances starting
    together would otherwise both see a file as new and both load it.
    """
    with transaction.atomic():
        recorded = {seed.path: seed for seed in SeedFile.objects.all()}
        catalogue = [path for path in catalogue_fixtures() if seed_name(path) not in recorded]
        initial = [path for path in initial_fixtures() if seed_name(path) not in recorded]
        # loaddata saves raw, which the history skips: recorded as the initial data.
        with recording_loaded_rows(HistoryRole.SEED):
            if catalogue:
                # One loaddata call: natural keys resolved across files.
                call_command("loaddata", *[str(path) for path in catalogue], verbosity=verbosity)
            inserted = sum(insert_missing(path) for path in initial)
        _record(catalogue + initial)
    applied = [seed_name(path) for path in catalogue + initial]
    return ApplyReport(applied=applied, inserted=inserted, changed=changed_seeds())


def insert_missing(path: Path) -> int:
    """Insert the objects of a fixture file that are not in the database yet; return how
    many. Call inside a transaction. Objects present are never overwritten: votes,
    counters, status and official answers may have changed since."""
    inserted, models = 0, set()
    with path.open(encoding="utf-8") as fixture:
        for item in serializers.deserialize("json", fixture, handle_forward_references=True):
            model = type(item.object)
            if item.object.pk is not None and model._base_manager.filter(pk=item.object.pk).exists():
                continue
            try:
                with transaction.atomic():
                    item.save()
            except IntegrityError:
                continue  # present under another id (staff re-created it): leave it
            inserted += 1
            models.add(model)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    return inserted


def seeds_reapply(names: Iterable[str], *, verbosity: int = 0) -> list[str]:
    """Apply the seed files `names` again with loaddata, in one transaction, and record
    their new content; return their names. Overwrites what staff changed in the rows these
    files hold: review with `seed_changes` first. Call holding SETUP_LOCK.

    Raises UnknownSeedFile (and writes nothing) when a name is not a seed file.
    """
    # Numbered names give the dependency order, whatever folder the file is in.
    paths = sorted({seed_path(name) for name in names}, key=lambda path: path.name)
    with transaction.atomic():
        with recording_loaded_rows(HistoryRole.SEED):
            call_command("loaddata", *[str(path) for path in paths], verbosity=verbosity)
        if any(path.parent == INITIAL_DIR for path in paths):
            # The préconisations' counters come from the votes and comments, not the file.
            proposals_recount()
        _record(paths)
    return [seed_name(path) for path in paths]


# Reviewing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """What applying a seed file again would change in one object: one field (`field`),
    or the whole object when it is missing from the database (`field` is None)."""

    file: str
    model: str  # app_label.model_name
    key: str  # the natural key, or the pk
    field: str | None = None
    current: str = ""
    seed: str = ""

    def __str__(self):
        if self.field is None:
            return _("%(model)s %(key)s : absent de la base, serait ajouté") % vars(self)
        return _("%(model)s %(key)s · %(field)s : %(current)s → %(seed)s") % vars(self)


def changed_seeds() -> list[SeedFile]:
    """The applied seed files whose content has changed since they were applied."""
    return [
        seed
        for seed in SeedFile.objects.all()
        if (FIXTURES_DIR / seed.path).exists() and file_hash(FIXTURES_DIR / seed.path) != seed.sha256
    ]


def seed_changes(names: Iterable[str] | None = None) -> list[Difference]:
    """What applying the seed files `names` again would change, object by object and field
    by field; without names, the applied files whose content has changed. Writes nothing
    (the reads run in a transaction rolled back at the end, to be sure).

    Only the fields a file states are compared: a reapply leaves the others alone.
    """
    if names is None:
        paths = [FIXTURES_DIR / seed.path for seed in changed_seeds()]
    else:
        paths = [seed_path(name) for name in names]
    differences = []
    with transaction.atomic():
        for path in paths:
            differences += _file_differences(path)
        transaction.set_rollback(True)
    return differences


def _file_differences(path: Path) -> list[Difference]:
    raw_objects = json.loads(path.read_text(encoding="utf-8"))
    with path.open(encoding="utf-8") as fixture:
        items = list(serializers.deserialize("json", fixture, handle_forward_references=True))
    differences = []
    for raw, item in zip(raw_objects, items, strict=True):
        model = type(item.object)
        found = Difference(seed_name(path), model._meta.label_lower, _object_key(item.object, raw))
        current_object = None
        if item.object.pk is not None:
            current_object = model._base_manager.filter(pk=item.object.pk).first()
        if current_object is None:
            differences.append(found)
            continue
        derived = DERIVED_FIELDS.get(model._meta.label_lower, set())
        for name in raw["fields"]:
            field = model._meta.get_field(name)
            if name in derived:
                continue
            if field in item.deferred_fields:
                # The seed refers to an object the database does not hold (deleted by staff).
                current = _shown(field, _current_value(field, current_object))
                seed = _("%(reference)s (absent de la base)") % {"reference": json.dumps(raw["fields"][name])}
                differences.append(replace(found, field=name, current=current, seed=seed))
                continue
            current, seed = _current_value(field, current_object), _seed_value(field, item)
            if current != seed:
                differences.append(
                    replace(found, field=name, current=_shown(field, current), seed=_shown(field, seed))
                )
    return differences


def _object_key(obj, raw: dict) -> str:
    if "pk" in raw:
        return f"pk={raw['pk']}"
    try:
        return "(" + ", ".join(str(part) for part in obj.natural_key()) + ")"
    except (ObjectDoesNotExist, AttributeError):  # a part of the key is missing from the database
        return "(?)"


def _current_value(field, obj):
    """The database's value of `field`: the id for a relation, a set of ids for many-to-many."""
    if field.many_to_many:
        return set(getattr(obj, field.name).values_list("pk", flat=True))
    return getattr(obj, field.attname)


def _seed_value(field, item):
    if field.many_to_many:
        return set(item.m2m_data.get(field.name, []))
    return getattr(item.object, field.attname)


def _shown(field, value) -> str:
    """A value as staff read it: related objects by name, long text shortened."""
    if field.many_to_many:
        names = sorted(str(obj) for obj in field.related_model._base_manager.filter(pk__in=value))
        return "[" + ", ".join(names) + "]"
    if field.is_relation and value is not None:
        value = field.related_model._base_manager.filter(pk=value).first()
    if value is None or value == "":
        return _("(vide)")
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    text = " ".join(str(value).split())
    return f"« {text[:117]}… »" if len(text) > 120 else f"« {text} »"
