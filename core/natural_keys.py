"""Natural keys declared once per model, for the fixtures (`fixtures/*.json`).

A model lists the fields that identify it, following relations with `__`:

    class Objective(NaturalKeyModel):
        natural_key_fields = ("network__slug", "position")

and both directions derive from that list: `obj.natural_key()` (what `dumpdata
--natural-foreign` writes) and `Objective.objects.get_by_natural_key(slug, position)`
(what `loaddata` looks up). A model with its own QuerySet composes the two:
`objects = NaturalKeyManager.from_queryset(ObjectiveQuerySet)()`.

`dumpdata` already orders a model after those its foreign keys point to, so keys made
of relations need no `natural_key.dependencies`.

This module imports nothing from the project: every app may use it.
"""

import datetime

from django.db import models


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, *key):
        fields = self.model.natural_key_fields
        if len(key) != len(fields):
            raise TypeError(f"{self.model.__name__} natural key is {fields}, got {key!r}")
        return self.get(**dict(zip(fields, key, strict=True)))


class NaturalKeyModel(models.Model):
    """Abstract: `natural_key()` and a default manager from `natural_key_fields`. Adds no
    field or table."""

    natural_key_fields: tuple[str, ...] = ()

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(_key_part(self, path) for path in self.natural_key_fields)


def _key_part(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name)
    # As a JSON fixture writes it: a date as ISO text.
    return obj.isoformat() if isinstance(obj, datetime.date) else obj
