"""The read-only JSON API (/api/): the catalogue and the préconisations' totals, filtered
with the pages' own FilterSets, paginated, anonymous, nothing personal.

One endpoint is a serializer (api/serializers.py), a view set here and one line in
api/urls.py; pagination, errors, the rate limit and the schema follow. For example, the
evaluation figures of partnerships, filtered like the /evaluation/ page:

    class EvaluationViewSet(CatalogueViewSet):
        queryset = Partnership.objects.select_related("partner__country").order_by("partner__sort_name", "pk")
        serializer_class = serializers.EvaluationSerializer
        filterset_class = EvaluationFilter

    router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

Each queryset fetches everything its serializer shows (select_related, prefetch_related,
annotations): a list costs the same few queries for 2 rows as for 100
(tests/api/test_endpoints.py says how many).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, routers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from api import filters, serializers
from api.pagination import PageNumberPagination
from cooperation.filters import PartnershipFilter
from cooperation.models import (
    LocalAuthority,
    Organisation,
    Partnership,
)
from core.search import sort_key
from evaluation.filters import EvaluationFilter
from evaluation.models import PartnershipAction, PartnershipAssessment
from networks.filters import NetworkFilter
from networks.models import Membership, Network
from proposals.filters import ProposalFilter
from proposals.models import Proposal


class FilterBackend(DjangoFilterBackend):
    """The view's FilterSet, validated by its own form: an unknown value is refused (400)
    with the form's French message, where the page shows it above the list."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(
                {
                    "detail": _("Filtres refusés : corrigez les valeurs signalées."),
                    "errors": {name: list(messages) for name, messages in filterset.errors.items()},
                }
            )
        return filterset.qs


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests per address, counted in the cache; the rate is read at each request
    (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"], None for no limit)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class CatalogueListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list, filtered by `filterset_class` and paginated."""

    filter_backends = [FilterBackend]
    pagination_class = PageNumberPagination
    throttle_classes = [AnonymousRateThrottle]


class CatalogueViewSet(mixins.RetrieveModelMixin, CatalogueListViewSet):
    """A list, and a detail by slug (or by another `lookup_field`)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_object(self):
        # Filters are for lists: a detail is found by its slug alone.
        value = self.kwargs[self.lookup_field]
        try:
            return self.get_queryset().get(**{self.lookup_field: value})
        except ObjectDoesNotExist:
            name = capfirst(self.get_queryset().model._meta.verbose_name)
            raise NotFound(
                _("%(name)s introuvable : « %(slug)s ».") % {"name": name, "slug": value}
            ) from None


def documented(list_summary, detail_summary=None, description=""):
    """French summaries of a view set's operations, for the schema and the docs."""
    operations = {"list": extend_schema(summary=list_summary, description=description)}
    if detail_summary:
        operations["retrieve"] = extend_schema(summary=detail_summary)
    return extend_schema_view(**operations)


@documented(
    gettext_lazy("Les partenariats"),
    gettext_lazy("Un partenariat"),
    gettext_lazy(
        "Jumelages, accords de coopération et conventions entre une collectivité française et une "
        "collectivité partenaire ; mêmes filtres et mêmes tris que la page /partenariats/."
    ),
)
class PartnershipViewSet(CatalogueViewSet):
    queryset = (
        Partnership.objects.select_related("french_authority__country", "partner__country")
        .prefetch_related("themes", "action_fields", "sdgs", "sources", "milestones")
        .order_by("partner__sort_name", "pk")
    )
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilter


@documented(
    gettext_lazy("Les collectivités"),
    gettext_lazy("Une collectivité"),
    gettext_lazy("Villes, métropoles, régions, provinces… françaises et étrangères."),
)
class AuthorityViewSet(CatalogueViewSet):
    queryset = (
        LocalAuthority.objects.select_related("country", "parent__country")
        .with_partnership_count()
        .order_by("sort_name", "pk")
    )
    serializer_class = serializers.AuthoritySerializer
    filterset_class = filters.AuthorityFilter


@documented(
    gettext_lazy("Les organisations"),
    gettext_lazy("Une organisation"),
    gettext_lazy(
        "Associations, institutions et entreprises : membres de réseaux et acteurs de l’annuaire ; "
        "mêmes critères que la page /acteurs/ (annuaire=oui pour l’annuaire seul)."
    ),
)
class OrganisationViewSet(CatalogueViewSet):
    queryset = (
        Organisation.objects.select_related("country")
        .prefetch_related("intervention_countries", "action_fields", "activities", "partnerships")
        .order_by(sort_key("name"), "pk")
    )
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter


@documented(
    gettext_lazy("Les réseaux de villes"),
    gettext_lazy("Un réseau de villes"),
    gettext_lazy(
        "Avec leurs objectifs, leurs dates clés et la participation de la ville ; mêmes filtres que la "
        "page /reseaux/. Les membres sont dans /api/adhesions/?reseau=<slug>."
    ),
)
class NetworkViewSet(CatalogueViewSet):
    queryset = (
        Network.objects.annotate(member_count=Count("memberships", distinct=True))
        .select_related("headquarters__country")
        .prefetch_related(
            "themes",
            "objectives",
            "key_dates",
            Prefetch(
                "memberships",
                queryset=Membership.objects.of_home().select_related("authority__country").order_by("pk"),
                to_attr="home_memberships",
            ),
        )
        .order_by(sort_key("name"), "pk")
    )
    serializer_class = serializers.NetworkSerializer
    filterset_class = NetworkFilter


@documented(
    gettext_lazy("Les adhésions"),
    description=gettext_lazy(
        "Qui est membre de quel réseau, avec quel rôle et depuis quand ; par réseau, par membre ou par pays."
    ),
)
class MembershipViewSet(CatalogueListViewSet):
    queryset = Membership.objects.select_related(
        "network", "authority__country", "organisation__country"
    ).order_by("network__slug", "authority__sort_name", "organisation__slug", "pk")
    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter


@documented(
    gettext_lazy("Les préconisations"),
    gettext_lazy("Une préconisation"),
    gettext_lazy(
        "Les préconisations visibles, avec les totaux des votes et des commentaires ; ni auteur ni vote "
        "individuel. Mêmes filtres et tris que la page /preconisations/."
    ),
)
class ProposalViewSet(CatalogueViewSet):
    queryset = Proposal.objects.visible().select_related("topic").prefetch_related("tags", "themes")
    serializer_class = serializers.ProposalSerializer
    filterset_class = ProposalFilter


@documented(
    gettext_lazy("L’évaluation des partenariats"),
    gettext_lazy("L’évaluation d’un partenariat"),
    gettext_lazy(
        "Les chiffres de chaque partenariat (dernier bilan public, actions, dépenses connues, note "
        "citoyenne moyenne et nombre de participants), ses bilans annuels et ses actions ; mêmes "
        "filtres et mêmes tris que la page /evaluation/."
    ),
)
class EvaluationViewSet(CatalogueViewSet):
    queryset = (
        Partnership.objects.select_related("french_authority__country", "partner__country")
        .prefetch_related(
            Prefetch("assessments", queryset=PartnershipAssessment.objects.prefetch_related("sources")),
            Prefetch(
                "actions",
                queryset=PartnershipAction.objects.select_related("action_field").prefetch_related(
                    "themes", "sdgs", "organisations__country", "sources"
                ),
            ),
        )
        .by_last_assessment()
    )
    serializer_class = serializers.EvaluationSerializer
    filterset_class = EvaluationFilter


class ApiRootView(routers.APIRootView):
    """/api/: the endpoints, the schema and the docs."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["schema"] = reverse("api:schema", request=request)
        response.data["docs"] = reverse("api:docs", request=request)
        return response


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its settings script a separate file: nothing
    inline, so the site's Content-Security-Policy applies unchanged."""

    template_name = "api/docs.html"
    url_name = "api:schema"


def not_found(request):
    """Any other address under /api/: a JSON 404, like the endpoints', not the HTML page."""
    return JsonResponse(
        {"detail": _("Adresse inconnue dans l’API : les points d’accès sont listés à /api/.")}, status=404
    )
