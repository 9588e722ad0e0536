"""The public history of the catalogue, kept by django-simple-history.

Every historical record stores the role of who made the change (`history_role`), never
shown with a name on the public pages: the groups' names at the time, "Équipe" for staff
in no group, "Import" or "Données initiales" when no one is signed in. The models that
keep a history declare `HistoricalRecords(bases=[RoleHistory])`.

This module knows no app of ours: a page's history is its object's and that of every
model with a foreign key to it that keeps a history too (a network's memberships, a
partnership's actions), found through Django's reverse relations.
"""

import contextvars
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.formats import date_format, localize
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.signals import pre_create_historical_record


class HistoryRole(models.TextChoices):
    EDITOR = "editeur", gettext_lazy("Éditeur du catalogue")
    MODERATOR = "moderateur", gettext_lazy("Modérateur")
    ANSWERS = "reponses", gettext_lazy("Gestionnaire des réponses")
    ADMINISTRATOR = "administrateur", gettext_lazy("Administrateur")
    TEAM = "equipe", gettext_lazy("Équipe")
    IMPORT = "import", gettext_lazy("Import")
    SEED = "donnees-initiales", gettext_lazy("Données initiales")


# The staff groups (created by a data migration, named in French), in the order a member
# of several is shown: the catalogue's own role first.
GROUP_ROLES = {
    "Éditeur du catalogue": HistoryRole.EDITOR,
    "Administrateur": HistoryRole.ADMINISTRATOR,
    "Modérateur": HistoryRole.MODERATOR,
    "Gestionnaire des réponses": HistoryRole.ANSWERS,
}

# Roles of writes by no one signed in: never shown as a change to the catalogue since it
# was loaded (the open data's "modifie_le").
LOADING_ROLES = [HistoryRole.IMPORT, HistoryRole.SEED]


class RoleHistory(models.Model):
    """Abstract base of the historical models: the role of who made the change."""

    history_role = models.CharField(
        gettext_lazy("rôle"), max_length=20, choices=HistoryRole.choices, blank=True
    )

    class Meta:
        abstract = True


# A change with no one signed in outside an import or the seeds: the team's, by a script.
_role_without_user = contextvars.ContextVar("history_role_without_user", default=HistoryRole.TEAM)


@contextmanager
def acting_as(role: HistoryRole):
    """Inside, changes made with no user signed in are recorded with `role`."""
    token = _role_without_user.set(role)
    try:
        yield
    finally:
        _role_without_user.reset(token)


def role_of(user) -> HistoryRole:
    """The role recorded for a change by `user` (None: no one signed in)."""
    if user is None:
        return _role_without_user.get()
    cached = getattr(user, "_history_role", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        roles = [role for name, role in GROUP_ROLES.items() if name in names]
        if roles:
            cached = roles[0]
        elif user.is_superuser:
            cached = HistoryRole.ADMINISTRATOR
        else:
            cached = HistoryRole.TEAM
        user._history_role = cached  # one query per request, however many rows it saves
    return cached


@receiver(pre_create_historical_record)
def _record_role(sender, history_instance, history_user, **kwargs):
    if isinstance(history_instance, RoleHistory) and not history_instance.history_role:
        history_instance.history_role = role_of(history_user)


def keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def history_model(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model that keeps a history (names of who changed what, for staff).

    One record per save, made once the many-to-many fields are saved too (the signals
    would make one per field added to and one per field removed from); a form that
    changed no recorded field records nothing.
    """

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True  # recorded in save_related, after the many-to-many
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if hasattr(obj, "skip_history_when_saving"):
                del obj.skip_history_when_saving
        historical = history_model(type(obj))
        recorded = {f.name for f in historical.tracked_fields}
        recorded |= {f.name for f in historical._history_m2m_fields}
        if not change or recorded.intersection(form.changed_data):
            _record_now(obj, historical, role_of(request.user), update=change)

    def revert_disabled(self, request, obj=None):
        # Its form saves past save_related, where the record is made: staff read the
        # former values in the history and edit them back.
        return True


def _record_now(obj, historical, role: HistoryRole, *, update: bool) -> None:
    manager = getattr(type(obj), type(obj)._meta.simple_history_manager_attribute)
    records = manager.bulk_history_create(
        [obj], update=update, custom_historical_attrs={"history_role": role}
    )
    _record_many_to_many(historical, records)


def _record_many_to_many(historical, records) -> None:
    """What bulk_history_create leaves out: each record's many-to-many rows, a query per
    field (and one insert)."""
    pk = historical.instance_type._meta.pk.attname
    for m2m_field in historical._history_m2m_fields:
        through = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        rows = defaultdict(list)
        for row in through.objects.filter(**{f"{source}__in": [getattr(r, pk) for r in records]}):
            rows[getattr(row, f"{source}_id")].append(row)
        copied = getattr(historical, m2m_field.name).model
        copied.objects.bulk_create(
            [
                copied(history=record, **{f.attname: getattr(row, f.attname) for f in through._meta.fields})
                for record in records
                for row in rows[getattr(record, pk)]
            ],
            batch_size=1000,
        )


# Rows written without signals: loaddata (raw saves) and bulk_create ---------------------


@contextmanager
def recording_loaded_rows(role: HistoryRole):
    """Inside, rows saved raw (by loaddata) are recorded in their history at the end,
    with `role`, in a few queries per model. Use inside the loading transaction."""
    loaded = defaultdict(dict)  # model -> {pk: (instance, created)}

    def collect(sender, instance, created, raw=False, **kwargs):
        if raw and keeps_history(sender):
            loaded[sender][instance.pk] = (instance, created)
            # loaddata sets the many-to-many next: no record per field, one below.
            instance.skip_history_when_saving = True

    post_save.connect(collect, weak=False, dispatch_uid="core.history.recording_loaded_rows")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid="core.history.recording_loaded_rows")
    for model, rows in loaded.items():
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        created = [instance for instance, was_created in rows.values() if was_created]
        updated = _changed_since_recorded(model, [i for i, was_created in rows.values() if not was_created])
        for objs, update in ((created, False), (updated, True)):
            if objs:
                records = manager.bulk_history_create(
                    objs, batch_size=1000, update=update, custom_historical_attrs={"history_role": role}
                )
                _record_many_to_many(history_model(model), records)


def _changed_since_recorded(model, instances) -> list:
    """The instances whose recorded fields differ from their last record (all of them
    when never recorded): a file applied again records only what it changed."""
    historical = history_model(model)
    pk = model._meta.pk.attname
    latest = {
        getattr(record, pk): record
        for record in historical.objects.filter(**{f"{pk}__in": [i.pk for i in instances]})
        .order_by(pk, "-history_date", "-history_id")
        .distinct(pk)
    }
    fields = [f.attname for f in historical.tracked_fields]
    return [
        instance
        for instance in instances
        if instance.pk not in latest
        or any(getattr(instance, name) != getattr(latest[instance.pk], name) for name in fields)
    ]


def last_pk(model) -> int:
    return model.objects.aggregate(last=models.Max("pk"))["last"] or 0


def record_created_after(model, after_pk: int, role: HistoryRole, *, batch_size: int = 2000) -> int:
    """Record as created, with `role`, the rows of `model` whose pk is above `after_pk`
    (rows a bulk_create just wrote, which sends no signal). Returns how many."""
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    recorded, batch = 0, []
    pk = model._meta.pk.attname
    recorded_already = manager.filter(**{f"{pk}__gt": after_pk}).values(pk)
    rows = model.objects.filter(pk__gt=after_pk).exclude(pk__in=recorded_already).order_by("pk")
    for obj in rows.iterator(chunk_size=batch_size):
        batch.append(obj)
        if len(batch) == batch_size:
            records = manager.bulk_history_create(batch, custom_historical_attrs={"history_role": role})
            _record_many_to_many(manager.model, records)
            recorded, batch = recorded + len(batch), []
    if batch:
        records = manager.bulk_history_create(batch, custom_historical_attrs={"history_role": role})
        _record_many_to_many(manager.model, records)
        recorded += len(batch)
    return recorded


def last_change_dates(model) -> Subquery:
    """For an annotation of `model`'s queryset: when each row was last changed, None when
    never since it was loaded (import, seeds)."""
    dates = (
        history_model(model)
        .objects.filter(**{model._meta.pk.attname: OuterRef("pk")})
        .exclude(history_role__in=LOADING_ROLES)
        .order_by()
        .values(model._meta.pk.attname)
        .annotate(last=models.Max("history_date"))
        .values("last")
    )
    return Subquery(dates, output_field=models.DateTimeField())


# The public page of an object's history -----------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    date: datetime
    action: str  # Création, Modification, Suppression
    what: str  # the object: "Partenariat", "Adhésion « Toulouse – Réseau »"
    role: str
    reason: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class _Source:
    model: type  # the historical model
    filter: dict
    subject_field: str | None  # the foreign key to the page's object, for related rows


def _sources(subject) -> list[_Source]:
    model = type(subject)
    sources = [_Source(history_model(model), {model._meta.pk.attname: subject.pk}, None)]
    related = [
        relation
        for relation in model._meta.related_objects
        if relation.one_to_many and keeps_history(relation.related_model)
    ]
    for relation in sorted(related, key=lambda r: r.related_model._meta.label):
        fk = relation.field
        sources.append(_Source(history_model(relation.related_model), {fk.attname: subject.pk}, fk.name))
    return sources


def _foreign_keys(historical) -> list:
    return [f for f in historical.tracked_fields if f.many_to_one]


def history_page(subject, number, page_size: int) -> Page:
    """One page of the changes to `subject` and to its related rows that keep a history,
    newest first, as HistoryEntry.

    A fixed number of queries: the count and the page's index over every table (a UNION
    of dates and ids), then one per kind of row on the page, which also fetches each
    record's previous version to compare with.
    """
    sources = _sources(subject)
    index = [
        source.model.objects.filter(**source.filter)
        .annotate(source=Value(position))
        .values_list("history_date", "history_id", "source")
        .order_by()
        for position, source in enumerate(sources)
    ]
    union = index[0].union(*index[1:], all=True).order_by("-history_date", "-history_id", "source")
    page = Paginator(union, page_size).get_page(number)
    wanted = defaultdict(list)
    for _date, history_id, position in page.object_list:
        wanted[position].append(history_id)
    records = {}
    for position, ids in wanted.items():
        records[position] = _records_with_previous(sources[position].model, ids)
    page.object_list = [
        _entry(subject, sources[position], records[position], history_id)
        for _date, history_id, position in page.object_list
    ]
    return page


def _records_with_previous(historical, ids) -> dict:
    """The records `ids` and the versions before them, by history_id, in one query."""
    pk = historical.instance_type._meta.pk.attname
    previous = Subquery(
        historical.objects.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            **{pk: OuterRef(pk)},
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    previous_ids = historical.objects.filter(history_id__in=ids).annotate(p=previous).values("p")
    rows = (
        historical.objects.filter(Q(history_id__in=ids) | Q(history_id__in=previous_ids))
        .select_related(*[f.name for f in _foreign_keys(historical)])
        .annotate(previous_id=previous)
        # Never a name: who made a change is for the admin only.
        .defer("history_user")
    )
    records = {row.history_id: row for row in rows}
    for m2m_field in historical._history_m2m_fields:
        # One query per many-to-many field: the names each record held, sorted.
        copied = getattr(historical, m2m_field.name).model
        target = m2m_field.m2m_reverse_field_name()
        names = defaultdict(list)
        for row in copied.objects.filter(history_id__in=list(records)).select_related(target):
            names[row.history_id].append(_shown(row._meta.get_field(target), row))
        for history_id, record in records.items():
            record.m2m_names = getattr(record, "m2m_names", {})
            record.m2m_names[m2m_field.name] = sorted(names[history_id])
    return records


ACTIONS = {
    "+": pgettext_lazy("a change of the history", "Création"),
    "~": pgettext_lazy("a change of the history", "Modification"),
    "-": pgettext_lazy("a change of the history", "Suppression"),
}


def _entry(subject, source: _Source, records: dict, history_id) -> HistoryEntry:
    record = records[history_id]
    previous = records.get(record.previous_id)
    model = record.instance_type
    if source.subject_field is None:
        what = capfirst(model._meta.verbose_name)
    else:
        what = _("%(model)s « %(name)s »") % {
            "model": capfirst(model._meta.verbose_name),
            "name": _label(record, subject),
        }
    entry = HistoryEntry(
        date=record.history_date,
        action=str(ACTIONS.get(record.history_type, "")),
        what=what,
        role=record.get_history_role_display(),
        reason=record.history_change_reason or "",
    )
    if record.history_type == "-":
        return entry
    for f in record.tracked_fields:
        if f.primary_key or f.name == source.subject_field:
            continue
        new = _shown(f, record)
        old = _shown(f, previous) if previous is not None else ""
        if getattr(record, f.attname) != (getattr(previous, f.attname) if previous else None) and (
            previous is not None or new
        ):
            entry.changes.append(Change(field=capfirst(f.verbose_name), old=old or "—", new=new or "—"))
    for m2m_field in record._history_m2m_fields:
        new = record.m2m_names[m2m_field.name]
        old = previous.m2m_names[m2m_field.name] if previous is not None else []
        if new != old:
            entry.changes.append(
                Change(
                    field=capfirst(m2m_field.verbose_name),
                    old=", ".join(old) or "—",
                    new=", ".join(new) or "—",
                )
            )
    return entry


def _label(record, subject) -> str:
    """The related row's name as its model says it (`__str__`), without a query: its
    foreign keys come from the record's select_related, the page's object from the page."""
    model = record.instance_type
    instance = model(**{f.attname: getattr(record, f.attname) for f in record.tracked_fields})
    for f in _foreign_keys(record):
        if f.related_model is type(subject) and getattr(record, f.attname) == subject.pk:
            related = subject
        else:
            related = getattr(record, f.name)
        f.set_cached_value(instance, related)
    return str(instance)


def _shown(f, record) -> str:
    """A recorded value as a reader reads it: choices by label, related rows by name."""
    value = getattr(record, f.attname)
    if value is None or value == "":
        return ""
    if f.many_to_one:
        related = getattr(record, f.name)
        return str(related) if related is not None else _("n° %(id)s (supprimé)") % {"id": value}
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(localize(value))
