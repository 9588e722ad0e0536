"""Where cooperation happens and who takes part: countries, local authorities (French or
foreign), and the organisations of the networks and of the directory of actors."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.history import RoleHistory
from core.natural_keys import NaturalKeyManager, NaturalKeyModel
from core.search import sort_key


class Continent(models.TextChoices):
    AFRICA = "afrique", _("Afrique")
    NORTH_AMERICA = "amerique-du-nord", _("Amérique du Nord")
    SOUTH_AMERICA = "amerique-du-sud", _("Amérique du Sud")
    ASIA = "asie", _("Asie")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceanie", _("Océanie")


def localized_name(place) -> str:
    """`place.name_en` when the active language is English and it is known, else `place.name`."""
    if place.name_en and (get_language() or "").split("-")[0] == "en":
        return place.name_en
    return place.name


class Country(NaturalKeyModel):
    code = models.CharField(
        _("code ISO"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Deux lettres majuscules (ISO 3166-1 alpha-2)."))],
    )
    name = models.CharField(_("nom"), max_length=100, unique=True)
    name_en = models.CharField(_("nom en anglais"), max_length=100, blank=True)
    continent = models.CharField(_("continent"), max_length=20, choices=Continent.choices, db_index=True)

    natural_key_fields = ("code",)

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

        from cooperation.models.catalogue import Partnership  # which imports this module

        def count(side):
            rows = Partnership.objects.filter(**{side: OuterRef("pk")}).order_by().values(side)
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(partnership_count=count("french_authority") + count("partner"))


class LocalAuthority(NaturalKeyModel):
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

    natural_key_fields = ("slug",)

    objects = NaturalKeyManager.from_queryset(LocalAuthorityQuerySet)()
    # sort_name is computed by PostgreSQL from the name.
    history = HistoricalRecords(bases=[RoleHistory], excluded_fields=["sort_name"])

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


class ActivityType(NaturalKeyModel):
    """What an actor of the directory does: plaidoyer, animation de réseau, financement…"""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("type d’activité")
        verbose_name_plural = _("types d’activité")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:actor_list") + f"?activite={self.slug}"


class OrganisationQuerySet(models.QuerySet):
    def in_directory(self):
        return self.filter(in_directory=True)

    def for_cards(self):
        """Everything an actor card shows, in a fixed number of queries."""
        return self.select_related("country").prefetch_related("action_fields", "activities")


class Organisation(NaturalKeyModel):
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

    natural_key_fields = ("slug",)

    objects = NaturalKeyManager.from_queryset(OrganisationQuerySet)()
    history = HistoricalRecords(bases=[RoleHistory])

    class Meta:
        ordering = [sort_key("name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.acronym or self.name

    def get_absolute_url(self):
        return reverse("cooperation:organisation_detail", args=[self.slug])
