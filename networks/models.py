from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperation.models import LocalAuthority, Organisation, Theme
from core.dates import DatedEvent, DatePrecision, format_partial_date, partial_date_constraint
from core.history import RoleHistory
from core.natural_keys import NaturalKeyManager, NaturalKeyModel
from core.search import search_query, search_vector, sort_key


class Scope(models.TextChoices):
    REGIONAL = "regional", _("Régional")
    NATIONAL = "national", _("National")
    EUROPEAN = "europeen", _("Européen")
    INTERNATIONAL = "international", _("International")


class NetworkKind(models.TextChoices):
    CITY_NETWORK = "reseau-de-villes", _("Réseau de villes")
    EUROREGION = "euroregion", _("Eurorégion")


class NetworkQuerySet(models.QuerySet):
    def city_networks(self):
        return self.filter(kind=NetworkKind.CITY_NETWORK)

    def search(self, text: str):
        return self.filter(search=search_query(text))

    def shared_by(self, first: LocalAuthority, second: LocalAuthority):
        """Networks in which both authorities (or the groupings they belong to) are members."""
        return self.filter(pk__in=first.shared_network_memberships(second).values("network"))


class Network(NaturalKeyModel):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=NetworkKind.choices, default=NetworkKind.CITY_NETWORK, db_index=True
    )
    tagline = models.CharField(_("devise"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    scope = models.CharField(_("échelle"), max_length=20, choices=Scope.choices, db_index=True)
    founded_on = models.DateField(_("date de création"), null=True, blank=True, db_index=True)
    founded_on_precision = models.CharField(
        _("précision de la date de création"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    headquarters = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("siège"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headquartered_networks",
    )
    headquarters_address = models.TextField(_("adresse du siège"), blank=True)
    governance = models.TextField(_("gouvernance"), blank=True)
    declared_size = models.CharField(
        _("taille déclarée"),
        max_length=300,
        blank=True,
        help_text=_("Telle que le réseau l’annonce, par exemple « 272 membres dans 49 pays »."),
    )
    website = models.URLField(_("site web"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="networks")
    search = models.GeneratedField(
        expression=search_vector("name", "acronym", "tagline", "description"),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("index de recherche"),
    )

    natural_key_fields = ("slug",)

    objects = NaturalKeyManager.from_queryset(NetworkQuerySet)()
    # search is computed by PostgreSQL from the texts.
    history = HistoricalRecords(bases=[RoleHistory], excluded_fields=["search"], m2m_fields=["themes"])

    class Meta:
        ordering = [sort_key("name")]
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        indexes = [GinIndex(fields=["search"], name="network_search_gin")]
        constraints = [partial_date_constraint("founded_on", "network_founded_on_valid")]

    def __str__(self):
        return (
            f"{self.name} ({self.acronym})" if self.acronym and self.acronym not in self.name else self.name
        )

    def get_absolute_url(self):
        return reverse("networks:network_detail", args=[self.slug])

    @property
    def founded_display(self) -> str:
        return format_partial_date(self.founded_on, self.founded_on_precision)


class Objective(NaturalKeyModel):
    network = models.ForeignKey(
        Network, verbose_name=_("réseau"), on_delete=models.CASCADE, related_name="objectives"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.TextField(_("objectif"))

    natural_key_fields = ("network__slug", "position")

    history = HistoricalRecords(bases=[RoleHistory])

    class Meta:
        ordering = ["network", "position"]
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        constraints = [
            models.UniqueConstraint(fields=["network", "position"], name="objective_unique_position")
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.network.get_absolute_url()


class KeyDate(DatedEvent, NaturalKeyModel):
    network = models.ForeignKey(
        Network, verbose_name=_("réseau"), on_delete=models.CASCADE, related_name="key_dates"
    )
    position = models.PositiveSmallIntegerField(
        _("ordre"), help_text=_("Pour départager deux événements de la même date.")
    )

    natural_key_fields = ("network__slug", "position")

    history = HistoricalRecords(bases=[RoleHistory])

    class Meta(DatedEvent.Meta):
        ordering = ["network", "date", "position"]
        verbose_name = _("date clé")
        verbose_name_plural = _("dates clés")
        constraints = [
            models.UniqueConstraint(fields=["network", "position"], name="keydate_unique_position"),
            partial_date_constraint("date", "keydate_date_valid"),
        ]

    def get_absolute_url(self):
        return self.network.get_absolute_url()


class MembershipQuerySet(models.QuerySet):
    def of_home(self):
        """Memberships of the site's home city or of the grouping it belongs to."""
        return self.filter(authority__in=LocalAuthority.objects.home_bodies())

    def for_listing(self):
        return self.select_related("authority__country", "organisation__country", "network").order_by(
            "authority__country__name", "organisation__country__name", "authority__name", "organisation__name"
        )


class MembershipManager(NaturalKeyManager.from_queryset(MembershipQuerySet)):
    def get_by_natural_key(self, network_slug, member_slug):
        # The member is an authority or an organisation: no single field path finds it.
        return self.get(
            Q(authority__slug=member_slug) | Q(organisation__slug=member_slug), network__slug=network_slug
        )


class Membership(NaturalKeyModel):
    """A member of a network: a local authority or an organisation, with its role."""

    network = models.ForeignKey(
        Network, verbose_name=_("réseau"), on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=300, blank=True)
    since = models.DateField(_("membre depuis"), null=True, blank=True, db_index=True)
    since_precision = models.CharField(
        _("précision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    until = models.DateField(_("jusqu’à"), null=True, blank=True)
    until_precision = models.CharField(
        _("précision de la fin"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    joined_note = models.CharField(
        _("modalité d’adhésion"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple « de fait, par le réseau national de CUF »."),
    )
    activities = models.TextField(
        _("action dans le réseau"), blank=True, help_text=_("Ce que le membre fait dans le réseau.")
    )

    natural_key_fields = ("network__slug", "member__slug")

    objects = MembershipManager()
    history = HistoricalRecords(bases=[RoleHistory])

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.CheckConstraint(
                condition=Q(authority__isnull=False, organisation__isnull=True)
                | Q(authority__isnull=True, organisation__isnull=False),
                name="membership_one_member",
                violation_error_message=_("Choisissez une collectivité ou une organisation, pas les deux."),
            ),
            models.UniqueConstraint(
                fields=["network", "authority"],
                name="membership_unique_authority",
                violation_error_message=_("Cette collectivité est déjà membre de ce réseau."),
            ),
            models.UniqueConstraint(
                fields=["network", "organisation"],
                name="membership_unique_organisation",
                violation_error_message=_("Cette organisation est déjà membre de ce réseau."),
            ),
            partial_date_constraint("since", "membership_since_valid"),
            partial_date_constraint("until", "membership_until_valid"),
        ]

    def __str__(self):
        return f"{self.member} – {self.network}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    @property
    def member(self):
        return self.authority or self.organisation

    @property
    def country(self):
        return self.member.country

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)

    @property
    def until_display(self) -> str:
        return format_partial_date(self.until, self.until_precision)
