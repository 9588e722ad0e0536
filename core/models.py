"""Abstract bases for fields that several models declare alike. They add no table: each
model that uses one gets the fields in its own table, as if it declared them itself.

A model whose field differs from the base (a verbose name in the feminine, an index)
declares that field again; Django then keeps the model's own. The columns, and so the
migrations, are the same as before the bases existed: only the order of the fields in
`_meta` (what `dumpdata` and a form with `fields = "__all__"` follow) puts the inherited
ones first, which is why the admins of these models list their fields explicitly.

This module imports nothing from the project: every app may use it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    """When the row was created and last saved, both set by Django on `save()`."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class ModeratedQuerySet(models.QuerySet):
    def visible(self):
        """What visitors see: not hidden by moderation."""
        return self.filter(is_hidden=False)


class Moderated(models.Model):
    """Content staff may hide, with the reason shown in its place and sent to its author."""

    is_hidden = models.BooleanField(_("masqué"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)

    class Meta:
        abstract = True
