"""What the API shows of each object: the catalogue and the totals of participation.

Nothing personal: no user, no author, no individual vote, no citizen's e-mail. The
organisations' contacts (phone, e-mail, offices) are their public ones, as on their page.
Every serializer reads only what its view's queryset already fetched (select_related,
prefetch_related, annotations): a page of 100 rows costs the same queries as a page of 2.
"""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from cooperation.models import (
    ActionField,
    ActivityType,
    Country,
    LocalAuthority,
    Organisation,
    Partnership,
    Source,
    SustainableDevelopmentGoal,
    Theme,
)
from core.dates import DatePrecision
from evaluation.figures import MINIMUM_REVIEWERS
from evaluation.models import PartnershipAction, PartnershipAssessment
from networks.models import Membership, Network
from proposals.models import Proposal, Topic


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The address of the object's page on the site (its `get_absolute_url`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("La page du site qui le présente."))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


def api_url(view_name: str) -> serializers.HyperlinkedIdentityField:
    """The address of the object in the API, by slug."""
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}-detail", lookup_field="slug", help_text=_("Son adresse dans l’API.")
    )


def label(source: str) -> serializers.CharField:
    """The reader's-language label of a choice (`get_kind_display` …)."""
    return serializers.CharField(source=source, read_only=True, help_text=_("Libellé de la valeur."))


def coordinate() -> serializers.FloatField:
    """Degrees (WGS 84) as a JSON number, not the decimal string DRF would give."""
    return serializers.FloatField(read_only=True, allow_null=True)


# Reference data ----------------------------------------------------------------------------


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "name_en", "continent"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class ActionFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionField
        fields = ["slug", "name"]


class ActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["slug", "name"]


class SustainableDevelopmentGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["number", "title"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["title", "url", "publisher"]


class DatedEventSerializer(serializers.Serializer):
    """A date known to the year, the month or the day, and what happened then."""

    date = serializers.DateField(read_only=True, help_text=_("Premier jour de la période connue."))
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, read_only=True)
    date_display = serializers.CharField(read_only=True, help_text=_("La date telle qu’on la lit."))
    label = serializers.CharField(read_only=True)


# Summaries, nested in other objects ---------------------------------------------------------


class AuthoritySummarySerializer(serializers.ModelSerializer):
    url = api_url("authority")
    country = CountrySerializer(read_only=True)
    latitude = coordinate()
    longitude = coordinate()

    class Meta:
        model = LocalAuthority
        fields = ["slug", "url", "name", "name_en", "kind", "country", "latitude", "longitude"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    url = api_url("organisation")
    country = CountrySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["slug", "url", "name", "acronym", "kind", "country"]


class NetworkSummarySerializer(serializers.ModelSerializer):
    url = api_url("network")

    class Meta:
        model = Network
        fields = ["slug", "url", "name", "acronym"]


class TagSerializer(serializers.ModelSerializer):
    """An étiquette of préconisations."""

    # Accented ("coopération-décentralisée"): not the ASCII pattern of a SlugField.
    slug = serializers.CharField(read_only=True)

    class Meta:
        model = Tag
        fields = ["slug", "name"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "title"]


# Endpoints ----------------------------------------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer):
    url = api_url("partnership")
    html_url = PageField()
    kind_label = label("get_kind_display")
    status_label = label("get_status_display")
    since_display = serializers.CharField(read_only=True, help_text=_("La date telle qu’on la lit."))
    french_authority = AuthoritySummarySerializer(read_only=True)
    partner = AuthoritySummarySerializer(read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    action_fields = ActionFieldSerializer(many=True, read_only=True)
    sdgs = SustainableDevelopmentGoalSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    milestones = DatedEventSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "url",
            "html_url",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "since",
            "since_precision",
            "since_display",
            "since_note",
            "description",
            "french_authority",
            "partner",
            "themes",
            "action_fields",
            "sdgs",
            "sources",
            "milestones",
        ]


class AuthoritySerializer(AuthoritySummarySerializer):
    html_url = PageField()
    kind_label = label("get_kind_display")
    parent = AuthoritySummarySerializer(read_only=True, allow_null=True)
    partnership_count = serializers.IntegerField(
        read_only=True, help_text=_("Partenariats où elle figure, d’un côté ou de l’autre.")
    )

    class Meta(AuthoritySummarySerializer.Meta):
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "name_en",
            "kind",
            "kind_label",
            "country",
            "parent",
            "latitude",
            "longitude",
            "note",
            "partnership_count",
        ]


class OrganisationSerializer(OrganisationSummarySerializer):
    html_url = PageField()
    kind_label = label("get_kind_display")
    intervention_countries = CountrySerializer(many=True, read_only=True)
    action_fields = ActionFieldSerializer(many=True, read_only=True)
    activities = ActivityTypeSerializer(many=True, read_only=True)
    partnerships = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta(OrganisationSummarySerializer.Meta):
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "acronym",
            "kind",
            "kind_label",
            "country",
            "description",
            "in_directory",
            "city",
            "department",
            "intervention_countries",
            "action_fields",
            "activities",
            "offices",
            "phone",
            "email",
            "website",
            "partnerships",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    network = NetworkSummarySerializer(read_only=True)
    authority = AuthoritySummarySerializer(
        read_only=True, allow_null=True, help_text=_("Le membre, quand c’est une collectivité.")
    )
    organisation = OrganisationSummarySerializer(
        read_only=True, allow_null=True, help_text=_("Le membre, quand c’est une organisation.")
    )
    since_display = serializers.CharField(read_only=True)
    until_display = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "network",
            "authority",
            "organisation",
            "role",
            "since",
            "since_precision",
            "since_display",
            "until",
            "until_precision",
            "until_display",
            "joined_note",
            "activities",
        ]


class HomeMembershipSerializer(MembershipSerializer):
    """The city's own participation in a network (the Ville or the Métropole)."""

    class Meta(MembershipSerializer.Meta):
        fields = [
            name for name in MembershipSerializer.Meta.fields if name not in {"network", "organisation"}
        ]


class NetworkSerializer(NetworkSummarySerializer):
    html_url = PageField()
    kind_label = label("get_kind_display")
    scope_label = label("get_scope_display")
    founded_display = serializers.CharField(read_only=True, help_text=_("La date telle qu’on la lit."))
    headquarters = AuthoritySummarySerializer(read_only=True, allow_null=True)
    themes = ThemeSerializer(many=True, read_only=True)
    objectives = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="text", help_text=_("Dans l’ordre du réseau.")
    )
    key_dates = DatedEventSerializer(many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    home_memberships = HomeMembershipSerializer(
        many=True,
        read_only=True,
        help_text=_("La participation de la ville (ou de sa métropole) : qui, depuis quand, quel rôle."),
    )
    members_url = serializers.SerializerMethodField(help_text=_("La liste paginée de ses membres."))

    class Meta(NetworkSummarySerializer.Meta):
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "acronym",
            "kind",
            "kind_label",
            "scope",
            "scope_label",
            "tagline",
            "description",
            "founded_on",
            "founded_on_precision",
            "founded_display",
            "headquarters",
            "headquarters_address",
            "governance",
            "declared_size",
            "website",
            "themes",
            "objectives",
            "key_dates",
            "member_count",
            "home_memberships",
            "members_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_members_url(self, network) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:membership-list") + f"?reseau={network.slug}"
        )


class ProposalSerializer(serializers.ModelSerializer):
    """A préconisation with its totals: who wrote it or voted is never shown."""

    url = api_url("proposal")
    html_url = PageField()
    topic = TopicSerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True, help_text=_("Ses étiquettes."))
    themes = ThemeSerializer(many=True, read_only=True)
    is_official = serializers.BooleanField(
        read_only=True, help_text=_("Vrai pour une préconisation d’Archipel, faux pour celle d’un citoyen.")
    )
    status_label = label("get_status_display")

    class Meta:
        model = Proposal
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "body",
            "topic",
            "tags",
            "themes",
            "is_official",
            "status",
            "status_label",
            "official_answer",
            "threshold_reached_at",
            "answer_due_at",
            "answered_at",
            "votes_for",
            "votes_against",
            "comment_count",
            "created_at",
        ]


# Evaluation of partnerships ------------------------------------------------------------------


class ActionSerializer(serializers.ModelSerializer):
    action_field = ActionFieldSerializer(read_only=True, allow_null=True)
    themes = ThemeSerializer(many=True, read_only=True)
    sdgs = SustainableDevelopmentGoalSerializer(many=True, read_only=True)
    organisations = OrganisationSummarySerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = PartnershipAction
        fields = [
            "year",
            "title",
            "action_field",
            "themes",
            "sdgs",
            "budget",
            "organisations",
            "other_partners",
            "outcomes_here",
            "outcomes_abroad",
            "sources",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = PartnershipAssessment
        fields = ["year", "published_on", "achievements", "cost", "returns_here", "returns_abroad", "sources"]


class EvaluationSerializer(serializers.ModelSerializer):
    """A partnership's evaluation: its figures, yearly assessments and actions. Citizens'
    scores are summed (rating_average, reviewer_count); nobody's own scores are shown: the
    average is null under MINIMUM_REVIEWERS citizens (the stored column is)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:evaluation-detail", lookup_field="slug", help_text=_("Son adresse dans l’API.")
    )
    partnership = api_url("partnership")
    html_url = PageField()
    french_authority = AuthoritySummarySerializer(read_only=True)
    partner = AuthoritySummarySerializer(read_only=True)
    rating_average = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=format_lazy(
            _(
                "Note citoyenne moyenne, de 1 à 5, tous axes confondus ; null avec moins de {minimum} "
                "citoyens ayant donné une note."
            ),
            minimum=MINIMUM_REVIEWERS,
        ),
    )
    assessments = AssessmentSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "url",
            "partnership",
            "html_url",
            "kind",
            "french_authority",
            "partner",
            "last_assessed_year",
            "action_count",
            "spending",
            "rating_average",
            "reviewer_count",
            "assessments",
            "actions",
        ]
