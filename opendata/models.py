"""The files of /donnees/, built once per change of what they show and kept in the
database, which every instance shares (opendata.services builds them, opendata.tasks
rebuilds them after a change)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class ExportQuerySet(models.QuerySet):
    def stale(self):
        return self.filter(built_generation__lt=F("generation"))


class Export(models.Model):
    """One file as it is downloaded: a dataset in a format, whole or of one `kind`.

    `generation` goes up with each committed change to one of the `tables` the file was
    read from; the file is up to date while `built_generation`, the generation seen when
    its build began, is the same."""

    dataset = models.CharField(_("jeu de données"), max_length=50)
    format = models.CharField(_("format"), max_length=10)
    kind = models.CharField(_("type"), max_length=50, blank=True, default="")
    content = models.BinaryField(_("contenu"))
    size = models.PositiveBigIntegerField(_("taille en octets"))
    etag = models.CharField(_("ETag"), max_length=70)
    built_at = models.DateTimeField(_("produit le"))
    tables = ArrayField(models.CharField(max_length=100), verbose_name=_("tables lues"), default=list)
    generation = models.PositiveBigIntegerField(_("génération des données"), default=0)
    built_generation = models.PositiveBigIntegerField(_("génération produite"), default=0)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("fichier de données ouvertes")
        verbose_name_plural = _("fichiers de données ouvertes")
        ordering = ["dataset", "format", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "format", "kind"], name="opendata_export_unique_file"),
            models.CheckConstraint(
                condition=Q(built_generation__lte=F("generation")), name="opendata_export_generation"
            ),
        ]

    def __str__(self):
        return self.name + (f" ({self.kind})" if self.kind else "")

    def get_absolute_url(self):
        url = reverse("opendata_file", args=[self.name])
        return f"{url}?{urlencode({'type': self.kind})}" if self.kind else url

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.format}"

    @property
    def is_stale(self) -> bool:
        return self.built_generation < self.generation
