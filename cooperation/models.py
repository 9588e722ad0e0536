import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cooperation.dates import DatedEvent, DatePrecision, format_partial_date, partial_date_constraint
from cooperation.search import sort_key


class Continent(models.TextChoices):
    AFRICA = "afrique", _("Afrique")
    NORTH_AMERICA = "amerique-du-nord", _("Amérique du Nord")
    SOUTH_AMERICA = "amerique-du-sud", _("Amérique du Sud")
    ASIA = "asie", _("Asie")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceanie", _("Océanie")


class SlugManager(models.Manager):
    """Natural key by slug, for fixtures."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


def localized_name(place) -> str:
    """`place.name_en` when the active language is English and it is known, else `place.name`."""
    if place.name_en and (get_language() or "").split("-")[0] == "en":
        return place.name_en
    return place.name


class Country(models.Model):
    code = models.CharField(
        _("code ISO"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Deux lettres majuscules (ISO 3166-1 alpha-2)."))],
    )
    name = models.CharField(_("nom"), max_length=100, unique=True)
    name_en = models.CharField(_("nom en anglais"), max_length=100, blank=True)
    continent = models.CharField(_("continent"), max_length=20, choices=Continent.choices, db_index=True)

    objects = CountryManager()

    class Meta:
        ordering = [sort_key("name")]
        verbose_name = _("pays")
        verbose_name_plural = _("pays")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?pays={self.code}"

    @property
    def localized_name(self):
        """The name in the reader's language: `name_en` in English when known, else `name`."""
        return localized_name(self)

    def natural_key(self):
        return (self.code,)


class AuthorityKind(models.TextChoices):
    COMMUNE = "commune", _("Ville")
    METROPOLIS = "metropole", _("Métropole ou intercommunalité")
    DEPARTMENT = "departement", _("Département")
    REGION = "region", _("Région")
    PROVINCE = "province", _("Province")
    COUNTY = "comte", _("Comté")


class LocalAuthorityQuerySet(models.QuerySet):
    def home_bodies(self):
        """The site's home city and the groupings it belongs to (Ville and Métropole).

        A lazy queryset: used inside filters it becomes a subquery, not an extra query.
        """
        home = settings.ARCHIPEL_HOME_AUTHORITY
        return self.filter(Q(slug=home) | Q(children__slug=home))

    def with_partnership_count(self):
        """Annotate `partnership_count` (either side), computed only for the rows fetched."""

        def count(side):
            rows = Partnership.objects.filter(**{side: OuterRef("pk")}).order_by().values(side)
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(partnership_count=count("french_authority") + count("partner"))


class LocalAuthority(models.Model):
    """Any collectivité, French or foreign: a city, a métropole, a region, a province…"""

    name = models.CharField(_("nom"), max_length=200, db_index=True)
    name_en = models.CharField(_("nom en anglais"), max_length=200, blank=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=AuthorityKind.choices, default=AuthorityKind.COMMUNE, db_index=True
    )
    country = models.ForeignKey(
        Country, verbose_name=_("pays"), on_delete=models.PROTECT, related_name="authorities"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("collectivité de rattachement"),
        help_text=_("Par exemple la métropole dont la ville est membre."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    note = models.TextField(_("note"), blank=True)
    # The name with case and accents folded, stored: sorting ("États-Unis" among the E)
    # and name search use it without calling the folding function on every row.
    sort_name = models.GeneratedField(
        expression=sort_key("name"),
        # Already folded to plain letters: byte order is the right order, and sorting by
        # bytes ("C") is several times faster than by the server's locale.
        output_field=models.CharField(max_length=200, db_collation="C"),
        db_persist=True,
        db_index=True,
        verbose_name=_("nom pour le tri"),
    )

    objects = SlugManager.from_queryset(LocalAuthorityQuerySet)()

    class Meta:
        ordering = ["sort_name"]
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name", "kind"],
                name="authority_unique_name_per_country_and_kind",
                violation_error_message=_("Cette collectivité existe déjà dans ce pays."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="authority_latitude_in_range",
                violation_error_message=_("La latitude doit être comprise entre -90 et 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="authority_longitude_in_range",
                violation_error_message=_("La longitude doit être comprise entre -180 et 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="authority_coordinates_both_or_neither",
                violation_error_message=_("Indiquez la latitude et la longitude, ou aucune des deux."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="authority_not_its_own_parent",
                violation_error_message=_("Une collectivité ne peut pas être rattachée à elle-même."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:authority_detail", args=[self.slug])

    @property
    def localized_name(self):
        """The name in the reader's language: `name_en` in English when known, else `name`."""
        return localized_name(self)

    def natural_key(self):
        return (self.slug,)

    def with_groupings(self):
        """This authority and the groupings it belongs to (Toulouse and Toulouse Métropole)."""
        return LocalAuthority.objects.filter(Q(pk=self.pk) | Q(children=self))

    def shared_network_memberships(self, other: "LocalAuthority"):
        """Memberships of this authority (or its groupings) in networks `other` also belongs to.

        Reached through the reverse relation so that this app needs no import of `networks`
        (dependencies point one way: networks uses cooperation).
        """
        membership_model = self.memberships.model
        return (
            membership_model.objects.filter(authority__in=self.with_groupings())
            .filter(network__memberships__authority__in=other.with_groupings())
            .select_related("network")
            .order_by("network__name")
            .distinct()
        )


class OrganisationKind(models.TextChoices):
    COMPANY = "entreprise", _("Entreprise")
    AGENCY = "agence", _("Agence publique")
    INTERNATIONAL = "organisation-internationale", _("Organisation internationale")
    ASSOCIATION = "association", _("Association")
    UNIVERSITY = "universite", _("Université ou école")


class ActivityType(models.Model):
    """What an actor of the directory does: plaidoyer, animation de réseau, financement…"""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("type d’activité")
        verbose_name_plural = _("types d’activité")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:actor_list") + f"?activite={self.slug}"

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(models.QuerySet):
    def in_directory(self):
        return self.filter(in_directory=True)

    def for_cards(self):
        """Everything an actor card shows, in a fixed number of queries."""
        return self.select_related("country").prefetch_related("action_fields", "activities")


class Organisation(models.Model):
    """An association, institution or company: a network member, an actor of the directory, or both."""

    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices, db_index=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("pays"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Vide pour une organisation internationale."),
    )
    description = models.TextField(_("description"), blank=True)
    # The directory of actors (/acteurs/): where it is, where and how it acts, how to reach it.
    in_directory = models.BooleanField(
        _("dans l’annuaire des acteurs"),
        default=False,
        db_index=True,
        help_text=_("Cochez pour la montrer dans l’annuaire des acteurs (/acteurs/)."),
    )
    city = models.CharField(_("ville"), max_length=120, blank=True)
    department = models.CharField(
        _("département"), max_length=120, blank=True, help_text=_("Par exemple « Haute-Garonne (31) ».")
    )
    intervention_countries = models.ManyToManyField(
        Country,
        verbose_name=_("pays d’intervention"),
        blank=True,
        related_name="active_organisations",
    )
    action_fields = models.ManyToManyField(
        "ActionField", verbose_name=_("domaines d’intervention"), blank=True, related_name="organisations"
    )
    activities = models.ManyToManyField(
        ActivityType, verbose_name=_("types d’activité"), blank=True, related_name="organisations"
    )
    offices = models.TextField(
        _("bureaux"), blank=True, help_text=_("Les adresses, séparées par une ligne vide.")
    )
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    partnerships = models.ManyToManyField(
        "Partnership",
        verbose_name=_("partenariats"),
        blank=True,
        related_name="organisations",
        help_text=_("Les partenariats auxquels elle prend part."),
    )

    objects = SlugManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        ordering = [sort_key("name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.acronym or self.name

    def get_absolute_url(self):
        return reverse("cooperation:organisation_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Theme(models.Model):
    """One of Archipel's four axes (transition écologique, démarche démocratique…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?axe={self.slug}"

    def natural_key(self):
        return (self.slug,)


class SustainableDevelopmentGoalManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class SustainableDevelopmentGoal(models.Model):
    number = models.PositiveSmallIntegerField(
        _("numéro"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = SustainableDevelopmentGoalManager()

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

    def natural_key(self):
        return (self.number,)


class ActionField(models.Model):
    """A field of external action of local authorities (coopération décentralisée…)."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("champ d’action")
        verbose_name_plural = _("champs d’action")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:partnership_list") + f"?champ={self.slug}"

    def natural_key(self):
        return (self.slug,)


class SourceManager(models.Manager):
    def get_by_natural_key(self, url):
        return self.get(url=url)


class Source(models.Model):
    """A public document a fact comes from."""

    title = models.CharField(_("titre"), max_length=300)
    url = models.URLField(_("adresse"), max_length=500, unique=True)
    publisher = models.CharField(_("éditeur"), max_length=200, blank=True)

    objects = SourceManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url

    def natural_key(self):
        return (self.url,)


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


class Partnership(models.Model):
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
    # The evaluation in figures, kept by cooperation.evaluation.refresh_summaries from the
    # actions, assessments and reviews, so /evaluation/ sorts on indexed columns.
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

    objects = SlugManager.from_queryset(PartnershipQuerySet)()

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
        return reverse("cooperation:partnership_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)

    def clean(self):
        from django.core.exceptions import ValidationError

        from cooperation.dates import partial_date_is_consistent

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


class PartnershipMilestoneManager(models.Manager):
    def get_by_natural_key(self, partnership_slug, date, label):
        return self.get(partnership__slug=partnership_slug, date=date, label=label)


class PartnershipMilestone(DatedEvent):
    """A dated step in a partnership: signature, renewal, new protocol."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partenariat"), on_delete=models.CASCADE, related_name="milestones"
    )

    objects = PartnershipMilestoneManager()

    class Meta(DatedEvent.Meta):
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date", "label"], name="milestone_unique"),
            partial_date_constraint("date", "milestone_date_valid"),
        ]

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()

    def natural_key(self):
        return (self.partnership.slug, self.date.isoformat(), self.label)

    natural_key.dependencies = ["cooperation.partnership"]


# Evaluation --------------------------------------------------------------------------------
# What each partnership does and costs, as staff record it from public sources, and what
# verified citizens think of it on each of Archipel's four axes.

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
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="actions")
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("ODD"), blank=True, related_name="actions"
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
    )
    other_partners = models.CharField(
        _("autres partenaires"),
        max_length=500,
        blank=True,
        help_text=_("Ceux qui ne sont pas dans l’annuaire : écoles, clubs, entreprises…"),
    )
    outcomes_here = models.TextField(_("retombées ici (côté français)"), blank=True)
    outcomes_abroad = models.TextField(_("retombées chez le partenaire"), blank=True)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="actions")

    class Meta:
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
        Source, verbose_name=_("sources"), blank=True, related_name="assessments"
    )

    class Meta:
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


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)


class PartnershipReview(models.Model):
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
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    is_hidden = models.BooleanField(_("commentaire masqué"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
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
