"""Citizens' corrections of the catalogue: what is wrong or missing on a partnership's,
a local authority's, an organisation's or a network's page, and the team's decision.

A correction points at its page through one of four explicit foreign keys (one per kind
of page, exactly one set: a check constraint), so that the admin lists and filters them
with plain joins.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cooperation.models import LocalAuthority, Organisation, Partnership
from networks.models import Network

PROBLEM_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 4000
SOURCE_URL_MAX_LENGTH = 500

# What an accepted correction writes on the catalogue's history records (their
# `history_change_reason`). Stored in French, the language of the catalogue's records: a
# page in another language translates it as a msgid (`{% translate record.history_change_reason %}`).
CITIZEN_CHANGE_REASON = gettext_noop("Sur proposition d’un citoyen")


class TargetKind(models.TextChoices):
    """The kinds of catalogue pages, named as their addresses are (`/partenariats/…`)."""

    PARTNERSHIP = "partenariats", _("partenariat")
    AUTHORITY = "collectivites", _("collectivité")
    ORGANISATION = "organisations", _("organisation")
    NETWORK = "reseaux", _("réseau")


# Each kind: its foreign key's name, the model, and what its page's name needs.
TARGETS = {
    TargetKind.PARTNERSHIP: ("partnership", Partnership, ["french_authority", "partner"]),
    TargetKind.AUTHORITY: ("authority", LocalAuthority, []),
    TargetKind.ORGANISATION: ("organisation", Organisation, []),
    TargetKind.NETWORK: ("network", Network, []),
}


class CorrectionStatus(models.TextChoices):
    NEW = "nouvelle", _("Nouvelle")
    ACCEPTED = "acceptee", _("Acceptée")
    DECLINED = "refusee", _("Refusée")


def _one_target() -> Q:
    """The kind names the one foreign key that is set; the three others are empty."""
    condition = Q()
    for kind, (field, _model, _related) in TARGETS.items():
        alternative = Q(kind=kind, **{f"{field}__isnull": False})
        for other, _other_model, _other_related in TARGETS.values():
            if other != field:
                alternative &= Q(**{f"{other}__isnull": True})
        condition |= alternative
    return condition


class Correction(models.Model):
    """A verified citizen's correction of one catalogue page, and the team's answer."""

    kind = models.CharField(_("type de fiche"), max_length=20, choices=TargetKind.choices, db_index=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partenariat"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    authority = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("réseau"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    # A deleted account leaves its corrections, without a name, as its comments stay:
    # the facts they point at are still worth checking (nobody is told the answer).
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citoyen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
    )
    language = models.CharField(
        _("langue"),
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "Celle de la page d’où la correction est venue : la réponse est écrite dans cette langue."
        ),
    )
    problem = models.TextField(_("ce qui est faux ou manque"), max_length=PROBLEM_MAX_LENGTH)
    reason = models.TextField(_("pourquoi"), max_length=REASON_MAX_LENGTH, blank=True)
    source_url = models.URLField(
        _("source"),
        max_length=SOURCE_URL_MAX_LENGTH,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.NEW,
        db_index=True,
    )
    answer = models.TextField(
        _("réponse"),
        max_length=ANSWER_MAX_LENGTH,
        blank=True,
        help_text=_("Envoyée par courriel au citoyen avec la décision."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="correction_one_target"),
            # A decision always comes with its answer and its date.
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.NEW, decided_at__isnull=True)
                | (~Q(status=CorrectionStatus.NEW) & Q(decided_at__isnull=False) & ~Q(answer="")),
                name="correction_decision_answered",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} « {self.target} » ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("admin:corrections_correction_change", args=[self.pk])

    @property
    def target(self):
        """The partnership, authority, organisation or network corrected."""
        return getattr(self, TARGETS[self.kind][0])
