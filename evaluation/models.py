"""Evaluation: what each partnership does and costs, as staff record it from public
sources, and what verified citizens think of it on each of Archipel's four axes.

These models were born in `cooperation`: their tables keep the names they had there
(`db_table`, also on the many-to-many fields), so moving them changed no table
(migrations `cooperation/0005` and `evaluation/0001`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cooperation.models import (
    ActionField,
    Organisation,
    Partnership,
    Source,
    SustainableDevelopmentGoal,
    Theme,
)
from core.history import RoleHistory
from core.models import Moderated, ModeratedQuerySet, Timestamped

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _year_in_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1900, f"{field}__lte": 2100}),
        name=name,
        violation_error_message=_("L’année doit être comprise entre 1900 et 2100."),
    )


class PartnershipAction(models.Model):
    """One thing a partnership did: an exchange, a project, a mission, with its cost."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partenariat"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("intitulé"), max_length=300)
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    action_field = models.ForeignKey(
        ActionField,
        verbose_name=_("champ d’action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("axes"),
        blank=True,
        related_name="actions",
        db_table="cooperation_partnershipaction_themes",
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        verbose_name=_("ODD"),
        blank=True,
        related_name="actions",
        db_table="cooperation_partnershipaction_sdgs",
    )
    budget = models.PositiveIntegerField(
        _("budget (euros)"), null=True, blank=True, help_text=_("Laissez vide quand il n’est pas connu.")
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("acteurs impliqués"),
        blank=True,
        related_name="actions",
        help_text=_("Les acteurs de l’annuaire qui y ont pris part."),
        db_table="cooperation_partnershipaction_organisations",
    )
    other_partners = models.CharField(
        _("autres partenaires"),
        max_length=500,
        blank=True,
        help_text=_("Ceux qui ne sont pas dans l’annuaire : écoles, clubs, entreprises…"),
    )
    outcomes_here = models.TextField(_("retombées ici (côté français)"), blank=True)
    outcomes_abroad = models.TextField(_("retombées chez le partenaire"), blank=True)
    sources = models.ManyToManyField(
        Source,
        verbose_name=_("sources"),
        blank=True,
        related_name="actions",
        db_table="cooperation_partnershipaction_sources",
    )

    history = HistoricalRecords(bases=[RoleHistory])

    class Meta:
        db_table = "cooperation_partnershipaction"
        ordering = ["-year", "title", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [_year_in_range("year", "action_year_valid")]
        indexes = [models.Index(fields=["partnership", "year"], name="action_partnership_year")]

    def __str__(self):
        return f"{self.year} : {self.title}"

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()


class PartnershipAssessment(models.Model):
    """The yearly public assessment of a partnership: what was done, what it cost, what
    came back to the actors here and abroad."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partenariat"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("année évaluée"), validators=YEAR_VALIDATORS)
    published_on = models.DateField(_("publié le"))
    achievements = models.TextField(_("ce qui a été fait"))
    cost = models.PositiveIntegerField(
        _("coût (euros)"), null=True, blank=True, help_text=_("Laissez vide quand il n’est pas connu.")
    )
    returns_here = models.TextField(_("retour pour les acteurs d’ici (côté français)"), blank=True)
    returns_abroad = models.TextField(_("retour pour les acteurs du partenaire"), blank=True)
    sources = models.ManyToManyField(
        Source,
        verbose_name=_("sources"),
        blank=True,
        related_name="assessments",
        db_table="cooperation_partnershipassessment_sources",
    )

    history = HistoricalRecords(bases=[RoleHistory])

    class Meta:
        db_table = "cooperation_partnershipassessment"
        ordering = ["-year", "pk"]
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"],
                name="assessment_one_per_year",
                violation_error_message=_("Un bilan existe déjà pour ce partenariat et cette année."),
            ),
            _year_in_range("year", "assessment_year_valid"),
        ]

    def __str__(self):
        return f"{self.partnership} — {self.year}"

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()


class ReviewQuerySet(ModeratedQuerySet):
    pass


class PartnershipReview(Timestamped, Moderated):
    """A verified citizen's opinion of a partnership: a score per axis and a comment.

    One per citizen and partnership; the scores are its `scores`, one per axis.
    """

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partenariat"), on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="partnership_reviews",
    )
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    # Moderated's, named for what staff hide: the comment, not the scores.
    is_hidden = models.BooleanField(_("commentaire masqué"), default=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        db_table = "cooperation_partnershipreview"
        ordering = ["-updated_at", "pk"]
        verbose_name = _("avis citoyen")
        verbose_name_plural = _("avis citoyens")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "author"],
                name="review_one_per_citizen",
                violation_error_message=_("Vous avez déjà donné votre avis sur ce partenariat."),
            )
        ]
        indexes = [models.Index(fields=["partnership", "-updated_at"], name="review_partnership_recent")]

    def __str__(self):
        return f"{self.partnership} — {self.author}"

    def get_absolute_url(self):
        return self.partnership.get_absolute_url() + "#avis"


class ReviewScore(models.Model):
    """A citizen's score (1 to 5) of a partnership on one axis."""

    review = models.ForeignKey(
        PartnershipReview, verbose_name=_("avis"), on_delete=models.CASCADE, related_name="scores"
    )
    theme = models.ForeignKey(Theme, verbose_name=_("axe"), on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(
        pgettext_lazy("score from 1 to 5", "note"), validators=SCORE_VALIDATORS
    )

    class Meta:
        db_table = "cooperation_reviewscore"
        ordering = ["theme__position", "pk"]
        verbose_name = pgettext_lazy("score from 1 to 5", "note")
        verbose_name_plural = pgettext_lazy("scores from 1 to 5", "notes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "theme"],
                name="score_one_per_axis",
                violation_error_message=_("Une seule note par axe."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="score_between_1_and_5",
                violation_error_message=_("La note va de 1 à 5."),
            ),
        ]

    def __str__(self):
        return f"{self.theme} : {self.score}/5"
