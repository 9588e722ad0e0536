"""/donnees/: the catalogue as open data (Licence Ouverte 2.0), nothing personal.

Large files stream row by row (`.iterator()`), so a catalogue of 30,000 partnerships
costs the same few queries and little memory.
"""

import csv

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cooperation.importers import HEADER as TWINNINGS_HEADER
from cooperation.models import LocalAuthority, Partnership, PartnershipKind
from networks.models import Network
from proposals.models import Proposal

LICENCE = {"name": "Licence Ouverte 2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}

DATASETS = [
    {
        "slug": "partenariats.csv",
        "title": _("Partenariats"),
        "format": "CSV",
        "columns": [
            (
                "city1, country1, lat1, lng1",
                _("la collectivité française : nom, code pays ISO, latitude, longitude"),
            ),
            ("city2, country2, lat2, lng2", _("la collectivité partenaire, de même")),
        ],
        "note": _(
            "Le format courant des fichiers de villes jumelles, celui que lit `import_twinnings` ; "
            "par type (?type=jumelage ou ?type=accord-de-cooperation), exporter puis réimporter ne change rien."
        ),
    },
    {
        "slug": "partenaires.geojson",
        "title": _("Collectivités engagées dans un partenariat"),
        "format": "GeoJSON",
        "columns": [("name, slug, country, kind", _("nom, identifiant, pays (ISO), type de collectivité"))],
        "note": _("Points WGS 84 (longitude, latitude) des collectivités dont la position est connue."),
    },
    {
        "slug": "reseaux.json",
        "title": _("Réseaux de villes"),
        "format": "JSON",
        "columns": [
            ("name, acronym, slug, kind, scope, founded, declared_size", _("identité du réseau")),
            ("objectives, key_dates", _("objectifs ordonnés et dates clés (date, précision, événement)")),
            (
                "members",
                _("membres : nom, identifiant, pays, type (collectivité ou organisation), rôle, depuis"),
            ),
        ],
        "note": "",
    },
    {
        "slug": "preconisations.csv",
        "title": _("Préconisations"),
        "format": "CSV",
        "columns": [
            (
                "slug, title, status, official",
                _("identifiant, titre, statut, préconisation d’Archipel ou non"),
            ),
            ("votes_for, votes_against, comments", _("totaux des votes pour, contre et des commentaires")),
            ("created", _("date de publication")),
        ],
        "note": _("Ni auteur ni vote individuel : seulement les totaux."),
    },
]


@require_safe
def index(request):
    return render(
        request, "archipel/opendata.html", {"datasets": DATASETS, "licence": LICENCE, "today": timezone.now()}
    )


class _Echo:
    def write(self, value):
        return value


def _csv_response(filename, header, rows):
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in _with_header(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_header(header, rows):
    yield header
    yield from rows


def _coordinate(value) -> str:
    return "" if value is None else f"{value}"


@require_safe
def partnerships_csv(request):
    """The twin-towns layout `import_twinnings` reads; `?type=jumelage` (or another kind)
    exports one kind, which `import_twinnings --kind` takes back without any change."""
    partnerships = Partnership.objects.select_related("french_authority__country", "partner__country")
    kind = request.GET.get("type")
    if kind:
        if kind not in PartnershipKind.values:
            return HttpResponseBadRequest(
                "Type de partenariat inconnu.", content_type="text/plain; charset=utf-8"
            )
        partnerships = partnerships.filter(kind=kind)
    partnerships = partnerships.order_by("pk").iterator(chunk_size=2000)
    rows = (
        [
            p.french_authority.name,
            p.french_authority.country.code,
            _coordinate(p.french_authority.latitude),
            _coordinate(p.french_authority.longitude),
            p.partner.name,
            p.partner.country.code,
            _coordinate(p.partner.latitude),
            _coordinate(p.partner.longitude),
        ]
        for p in partnerships
    )
    return _csv_response("partenariats.csv", TWINNINGS_HEADER, rows)


@require_safe
def partners_geojson(request):
    in_a_partnership = Exists(
        Partnership.objects.filter(Q(french_authority=OuterRef("pk")) | Q(partner=OuterRef("pk")))
    )
    authorities = (
        LocalAuthority.objects.filter(in_a_partnership, latitude__isnull=False)
        .select_related("country")
        .order_by("pk")
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(a.longitude), float(a.latitude)]},
            "properties": {"name": a.name, "slug": a.slug, "country": a.country.code, "kind": a.kind},
        }
        for a in authorities.iterator(chunk_size=2000)
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "licence": LICENCE["name"], "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def networks_json(request):
    networks = Network.objects.prefetch_related(
        "objectives", "key_dates", "memberships__authority__country", "memberships__organisation__country"
    ).order_by("pk")
    data = [
        {
            "name": n.name,
            "acronym": n.acronym,
            "slug": n.slug,
            "kind": n.kind,
            "scope": n.scope,
            "founded": n.founded_on.isoformat() if n.founded_on else None,
            "founded_precision": n.founded_on_precision or None,
            "declared_size": n.declared_size,
            "objectives": [o.text for o in n.objectives.all()],
            "key_dates": [
                {"date": k.date.isoformat(), "precision": k.date_precision, "event": k.label}
                for k in n.key_dates.all()
            ],
            "members": [
                {
                    "name": m.member.name,
                    "slug": m.member.slug,
                    "country": m.country.code if m.country else None,
                    "type": "collectivite" if m.authority_id else "organisation",
                    "role": m.role,
                    "since": m.since.isoformat() if m.since else None,
                }
                for m in n.memberships.all()
            ],
        }
        for n in networks
    ]
    return JsonResponse(
        {"licence": LICENCE["name"], "date": timezone.now().date().isoformat(), "networks": data},
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def proposals_csv(request):
    proposals = Proposal.objects.visible().order_by("pk").iterator(chunk_size=2000)
    rows = (
        [
            p.slug,
            p.title,
            p.status,
            "oui" if p.is_official else "non",
            p.votes_for,
            p.votes_against,
            p.comment_count,
            p.created_at.date().isoformat(),
        ]
        for p in proposals
    )
    header = ["slug", "title", "status", "official", "votes_for", "votes_against", "comments", "created"]
    return _csv_response("preconisations.csv", header, rows)


FILES = {
    "partenariats.csv": partnerships_csv,
    "partenaires.geojson": partners_geojson,
    "reseaux.json": networks_json,
    "preconisations.csv": proposals_csv,
}


def dataset(request, name):
    view = FILES.get(name)
    if view is None:
        raise Http404("Jeu de données inconnu.")
    return view(request)
