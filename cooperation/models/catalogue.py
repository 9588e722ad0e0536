"""The catalogue's vocabularies (Archipel's axes, the SDGs, the fields of action), its
sources, and the partnerships between authorities with their milestones."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperation.models.places import LocalAuthority
from core.dates import DatedEvent, DatePrecision, format_partial_date, partial_date_constraint
from core.history import RoleHistory
from core.natural_keys import NaturalKeyManager, NaturalKeyModel


class Term(NaturalKeyModel):
    """Abstract: an entry of a short ordered list that partnerships are filed under (an
    axis, a field of action), named, with a slug for URLs and fixtures."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    natural_key_fields = ("slug",)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Theme(Term):
    """One of Archipel's four axes (transition écologique, démarche démocratique…)."""

    # Shorter than the base's: the columns are varchar(100).
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=100, unique=True)

    class Meta(Term.Meta):
        verbose_name = _("axe")
        verbose_name_plural = _("axes")

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?axe={self.slug}"


class SustainableDevelopmentGoal(NaturalKeyModel):
    number = models.PositiveSmallIntegerField(
        _("numéro"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    natural_key_fields = ("number",)

    class Meta:
        ordering = ["number"]
        verbose_name = _("objectif de développement durable")
        verbose_name_plural = _("objectifs de développement durable")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=17),
                name="sdg_number_1_to_17",
                violation_error_message=_("Les objectifs de développement durable vont de 1 à 17."),
            )
        ]

    def __str__(self):
        return f"ODD {self.number} : {self.title}"

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?odd={self.number}"


class ActionField(Term):
    """A field of external action of local authorities (coopération décentralisée…)."""

    class Meta(Term.Meta):
        verbose_name = _("champ d’action")
        verbose_name_plural = _("champs d’action")

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?champ={self.slug}"


class Source(NaturalKeyModel):
    """A public document a fact comes from."""

    title = models.CharField(_("titre"), max_length=300)
    url = models.URLField(_("adresse"), max_length=500, unique=True)
    publisher = models.CharField(_("éditeur"), max_length=200, blank=True)

    natural_key_fields = ("url",)

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url


class PartnershipKind(models.TextChoices):
    TWINNING = "jumelage", _("Jumelage")
    COOPERATION_AGREEMENT = "accord-de-cooperation", _("Accord de coopération")
    CONVENTION = "convention", _("Convention")


class PartnershipStatus(models.TextChoices):
    ACTIVE = "actif", _("Actif")
    DORMANT = "en-sommeil", _("En sommeil")
    ENDED = "termine", _("Terminé")


class PartnershipQuerySet(models.QuerySet):
    def for_cards(self):
        """Everything a list of partnership cards shows, in a fixed number of queries."""
        return self.select_related(
            "french_authority", "partner__country", "french_authority__country"
        ).prefetch_related("themes")

    def involving(self, authority):
        return self.filter(Q(french_authority=authority) | Q(partner=authority))

    def by_last_assessment(self):
        """The default order of /evaluation/ and its API: latest assessed first, never
        assessed last, then by partner."""
        return self.order_by(F("last_assessed_year").desc(nulls_last=True), "partner__sort_name", "pk")


class Partnership(NaturalKeyModel):
    """A twinning or cooperation agreement between a French authority and a partner."""

    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    french_authority = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("collectivité française"),
        on_delete=models.PROTECT,
        related_name="partnerships_as_french",
    )
    partner = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("collectivité partenaire"),
        on_delete=models.PROTECT,
        related_name="partnerships_as_partner",
    )
    kind = models.CharField(_("type"), max_length=30, choices=PartnershipKind.choices, db_index=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
        db_index=True,
    )
    since = models.DateField(_("depuis"), null=True, blank=True, db_index=True)
    since_precision = models.CharField(
        _("précision de la date"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    since_note = models.CharField(
        _("note sur la date"),
        max_length=300,
        blank=True,
        help_text=_("Quand les sources divergent ou que la date est inconnue, dites-le ici."),
    )
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="partnerships")
    action_fields = models.ManyToManyField(
        ActionField, verbose_name=_("champs d’action"), blank=True, related_name="partnerships"
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        verbose_name=_("objectifs de développement durable"),
        blank=True,
        related_name="partnerships",
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="partnerships"
    )
    # The evaluation in figures, kept by evaluation.figures.refresh_summaries (the app
    # above) from the actions, assessments and reviews, so /evaluation/ sorts on indexed
    # columns.
    last_assessed_year = models.PositiveSmallIntegerField(
        _("dernière année évaluée"), null=True, blank=True, editable=False
    )
    spending = models.PositiveBigIntegerField(
        _("dépenses connues (euros)"), null=True, blank=True, editable=False
    )
    action_count = models.PositiveIntegerField(_("actions"), default=0, editable=False)
    rating_average = models.DecimalField(
        _("note citoyenne moyenne"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    reviewer_count = models.PositiveIntegerField(
        _("citoyens ayant donné leur avis"), default=0, editable=False
    )

    natural_key_fields = ("slug",)

    objects = NaturalKeyManager.from_queryset(PartnershipQuerySet)()
    # The evaluation's summary columns are computed, not changes to the catalogue.
    history = HistoricalRecords(
        bases=[RoleHistory],
        excluded_fields=[
            "last_assessed_year",
            "spending",
            "action_count",
            "rating_average",
            "reviewer_count",
        ],
        m2m_fields=["themes", "action_fields", "sdgs", "sources"],
    )

    class Meta:
        ordering = ["partner__sort_name", "pk"]
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        constraints = [
            models.UniqueConstraint(
                fields=["french_authority", "partner", "kind"],
                name="partnership_unique_pair_and_kind",
                violation_error_message=_("Ce partenariat existe déjà pour ces deux collectivités."),
            ),
            models.CheckConstraint(
                condition=~Q(french_authority=models.F("partner")),
                name="partnership_between_two_authorities",
                violation_error_message=_("Une collectivité ne peut pas être partenaire d’elle-même."),
            ),
            partial_date_constraint("since", "partnership_since_valid"),
        ]
        indexes = [
            # /evaluation/ sorts both ways, empty values last, ties broken by pk.
            models.Index(
                F("last_assessed_year").desc(nulls_last=True), F("id"), name="partnership_assessed_desc"
            ),
            models.Index(fields=["last_assessed_year", "id"], name="partnership_assessed_asc"),
            models.Index(F("spending").desc(nulls_last=True), F("id"), name="partnership_spending_desc"),
            models.Index(fields=["spending", "id"], name="partnership_spending_asc"),
            models.Index(F("rating_average").desc(nulls_last=True), F("id"), name="partnership_rating_desc"),
            models.Index(fields=["rating_average", "id"], name="partnership_rating_asc"),
        ]

    def __str__(self):
        return f"{self.french_authority} – {self.partner} ({self.get_kind_display()})"

    def get_absolute_url(self):
        # The page shows the partnership with its evaluation: the app above serves it,
        # reached by its URL name, never imported.
        return reverse("evaluation:partnership_detail", args=[self.slug])

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)

    def clean(self):
        from django.core.exceptions import ValidationError

        from core.dates import partial_date_is_consistent

        if not partial_date_is_consistent(self.since, self.since_precision):
            raise ValidationError(
                {
                    "since_precision": _(
                        "Indiquez la précision de la date (et seulement si une date est donnée)."
                    )
                },
                code="inconsistent_precision",
            )
        if self.since and self.since > datetime.date.today():
            raise ValidationError({"since": _("La date ne peut pas être dans le futur.")}, code="future")


class PartnershipMilestone(DatedEvent, NaturalKeyModel):
    """A dated step in a partnership: signature, renewal, new protocol."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partenariat"), on_delete=models.CASCADE, related_name="milestones"
    )

    natural_key_fields = ("partnership__slug", "date", "label")

    history = HistoricalRecords(bases=[RoleHistory])

    class Meta(DatedEvent.Meta):
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date", "label"], name="milestone_unique"),
            partial_date_constraint("date", "milestone_date_valid"),
        ]

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()
