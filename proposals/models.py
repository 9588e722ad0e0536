from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cooperation.models import SlugManager, Source, Theme


class Topic(models.Model):
    """A thematic page of Archipel: objectives, diagnostic, the mayor's record, sources."""

    title = models.CharField(_("titre"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=200, unique=True)
    summary = models.TextField(_("chapeau"), blank=True)
    objectives = models.TextField(_("nos objectifs"))
    themes_intro = models.TextField(_("introduction des axes"), blank=True)
    diagnostic = models.TextField(_("notre diagnostic"))
    mayor_record = models.TextField(_("le vrai bilan du maire"))
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="topics")
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="topics")
    is_home = models.BooleanField(
        _("page d’accueil"), default=False, help_text=_("La thématique présentée sur la page d’accueil.")
    )

    objects = SlugManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"],
                condition=models.Q(is_home=True),
                name="topic_single_home",
                violation_error_message=_("Une seule thématique peut être présentée sur la page d’accueil."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("home")

    def natural_key(self):
        return (self.slug,)
