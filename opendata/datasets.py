"""The catalogue as open data (Licence Ouverte 2.0), nothing personal: the datasets of /donnees/.

Each dataset is declared once, in `DATASETS`: its rows (a queryset of `opendata.queries`)
and its columns (name, French meaning, value). The CSV, the JSON or GeoJSON file and the
data dictionary on the /donnees/ page all come from that one declaration.

Nothing personal is ever declared here: no user, author, individual vote or subscriber.
Préconisations give their totals only.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cooperation.models import LocalAuthority, Partnership, PartnershipKind
from core.history import last_change_dates
from evaluation.figures import MINIMUM_REVIEWERS
from networks.models import Membership, Network
from opendata import queries
from opendata.schema import Column, Dataset

# Small value helpers -------------------------------------------------------------------------


def _slugs(relation: str) -> Callable[[Any], list[str]]:
    """The slugs of a prefetched many-to-many relation, e.g. a partnership's axes."""
    return lambda row: [item.slug for item in getattr(row, relation).all()]


def _precision(value: str) -> str | None:
    """A date's precision (year, month, day), None when there is no date."""
    return value or None


def _member_type(membership) -> str:
    return "collectivite" if membership.authority_id else "organisation"


def _member_country(membership) -> str | None:
    country = membership.member.country
    return country.code if country else None


def _changed(model, rows: Callable) -> Callable:
    """`rows` with each row's last change (`modifie_le`): a subquery on its history, no
    query more."""
    return lambda: rows().annotate(modifie_le=last_change_dates(model))


# When each row last changed, from the catalogue's history (core.history).
LAST_CHANGE = Column(
    "modifie_le",
    _(
        "date et heure de sa dernière modification (ISO 8601), vide si elle n’a pas changé depuis "
        "le chargement du catalogue ; l’historique est sur le site"
    ),
    lambda row: timezone.localtime(row.modifie_le).isoformat(timespec="seconds") if row.modifie_le else None,
)


def _moment(attribute: str) -> Callable[[Any], str | None]:
    """A date and time of the row, ISO 8601 in the local time zone, or None when not set."""

    def value(row):
        moment = getattr(row, attribute)
        return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None

    return value


def _point(authority) -> tuple[float, float]:
    return float(authority.longitude), float(authority.latitude)


def _published_scores_by_axis():
    """Never one citizen's scores: an axis of a partnership only from MINIMUM_REVIEWERS
    scores (each citizen scores an axis once)."""
    return queries.scores_by_axis().filter(total__gte=MINIMUM_REVIEWERS)


# The datasets --------------------------------------------------------------------------------
# Adding one is a `Dataset(...)` below: the page, the files and most tests follow from it
# (tests/opendata/test_views.py wants its query count in QUERIES). Declare only what a
# visitor may already read on the site, and never a user, an author or a single vote.

_AUTHORITY_PROPERTIES = (
    Column("name", _("nom")),
    Column("slug", _("identifiant, celui de la page /collectivites/<slug>/")),
    Column("country", _("pays, code ISO 3166-1 alpha-2"), lambda a: a.country.code),
    Column("kind", _("type : commune, metropole, departement, region, province ou comte")),
)

DATASETS = [
    Dataset(
        slug="collectivites",
        title=_("Collectivités"),
        rows=_changed(LocalAuthority, queries.authorities),
        columns=(
            Column("slug", _("identifiant, celui de la page /collectivites/<slug>/")),
            Column("name", _("nom en français")),
            Column("name_en", _("nom en anglais, vide s’il n’est pas connu")),
            Column("kind", _("type : commune, metropole, departement, region, province ou comte")),
            Column("country", _("pays, code ISO 3166-1 alpha-2"), lambda a: a.country.code),
            Column("country_name", _("nom du pays"), lambda a: a.country.name),
            Column(
                "parent",
                _("identifiant de la collectivité de rattachement (la métropole d’une ville)"),
                lambda a: a.parent.slug if a.parent else None,
            ),
            Column("latitude", _("latitude (WGS 84, degrés décimaux)")),
            Column("longitude", _("longitude (WGS 84, degrés décimaux)")),
            LAST_CHANGE,
        ),
        note=_("Toutes les collectivités du catalogue, françaises et étrangères."),
    ),
    Dataset(
        slug="partenariats",
        title=_("Partenariats, au format des villes jumelles"),
        rows=queries.twinnings,
        formats=("csv",),
        kinds=PartnershipKind,
        # The header of cooperation.importers (import_twinnings): a test keeps them equal.
        columns=(
            Column("city1", _("nom de la collectivité française"), lambda p: p.french_authority.name),
            Column(
                "country1", _("son pays, code ISO 3166-1 alpha-2"), lambda p: p.french_authority.country.code
            ),
            Column("lat1", _("sa latitude (WGS 84)"), lambda p: p.french_authority.latitude),
            Column("lng1", _("sa longitude (WGS 84)"), lambda p: p.french_authority.longitude),
            Column("city2", _("nom de la collectivité partenaire"), lambda p: p.partner.name),
            Column("country2", _("son pays, code ISO 3166-1 alpha-2"), lambda p: p.partner.country.code),
            Column("lat2", _("sa latitude (WGS 84)"), lambda p: p.partner.latitude),
            Column("lng2", _("sa longitude (WGS 84)"), lambda p: p.partner.longitude),
        ),
        note=_(
            "Le format courant des fichiers de villes jumelles, celui que lit la commande import_twinnings : "
            "par type (?type=jumelage, ?type=accord-de-cooperation ou ?type=convention), exporter puis "
            "réimporter ne change rien. Le détail de chaque partenariat est dans partenariats-detail."
        ),
    ),
    Dataset(
        slug="partenariats-detail",
        title=_("Partenariats en détail"),
        rows=_changed(Partnership, queries.partnerships),
        kinds=PartnershipKind,
        columns=(
            Column("slug", _("identifiant, celui de la page /partenariats/<slug>/")),
            Column("kind", _("type : jumelage, accord-de-cooperation ou convention")),
            Column("status", _("statut : actif, en-sommeil ou termine")),
            Column("since", _("date de début (AAAA-MM-JJ, premier jour de la période connue)")),
            Column(
                "since_precision",
                _("précision de la date de début : year (année), month (mois) ou day (jour)"),
                lambda p: _precision(p.since_precision),
            ),
            Column("since_note", _("note sur la date, quand les sources divergent ou se taisent")),
            Column(
                "french_authority",
                _("identifiant de la collectivité française (voir collectivites)"),
                lambda p: p.french_authority.slug,
            ),
            Column(
                "partner",
                _("identifiant de la collectivité partenaire (voir collectivites)"),
                lambda p: p.partner.slug,
            ),
            Column(
                "partner_country",
                _("pays du partenaire, code ISO 3166-1 alpha-2"),
                lambda p: p.partner.country.code,
            ),
            Column("axes", _("axes d’Archipel (identifiants)"), _slugs("themes")),
            Column(
                "action_fields", _("champs de l’action extérieure (identifiants)"), _slugs("action_fields")
            ),
            Column(
                "sdgs",
                _("objectifs de développement durable (numéros de 1 à 17)"),
                lambda p: [goal.number for goal in p.sdgs.all()],
            ),
            Column(
                "sources", _("adresses des documents sources"), lambda p: [s.url for s in p.sources.all()]
            ),
            LAST_CHANGE,
        ),
        note=_("?type= filtre par type, comme pour partenariats.csv."),
    ),
    Dataset(
        slug="reseaux",
        title=_("Réseaux de villes"),
        rows=_changed(Network, queries.networks),
        columns=(
            Column("slug", _("identifiant, celui de la page /reseaux/<slug>/")),
            Column("name", _("nom")),
            Column("acronym", _("sigle")),
            Column("kind", _("type : reseau-de-villes ou euroregion")),
            Column("scope", _("échelle : regional, national, europeen ou international")),
            Column("tagline", _("devise")),
            Column("description", _("présentation, rédigée par Archipel")),
            Column("founded", _("date de création (AAAA-MM-JJ)"), lambda n: n.founded_on),
            Column(
                "founded_precision",
                _("précision de la date de création : year, month ou day"),
                lambda n: _precision(n.founded_on_precision),
            ),
            Column(
                "headquarters",
                _("identifiant de la collectivité du siège (voir collectivites)"),
                lambda n: n.headquarters.slug if n.headquarters else None,
            ),
            Column("declared_size", _("taille telle que le réseau l’annonce")),
            Column("website", _("site web")),
            Column("axes", _("axes d’Archipel (identifiants)"), _slugs("themes")),
            Column(
                "objectives", _("objectifs, dans l’ordre"), lambda n: [o.text for o in n.objectives.all()]
            ),
            LAST_CHANGE,
        ),
        note=_("Les membres sont dans adhesions, les dates clés dans dates-cles."),
    ),
    Dataset(
        slug="adhesions",
        title=_("Adhésions aux réseaux"),
        rows=_changed(Membership, queries.memberships),
        columns=(
            Column("network", _("identifiant du réseau (voir reseaux)"), lambda m: m.network.slug),
            Column(
                "member",
                _(
                    "identifiant du membre (voir collectivites, ou acteurs pour une organisation de "
                    "l’annuaire)"
                ),
                lambda m: m.member.slug,
            ),
            Column("member_type", _("type de membre : collectivite ou organisation"), _member_type),
            Column("member_name", _("nom du membre"), lambda m: m.member.name),
            Column(
                "country",
                _("pays du membre, code ISO 3166-1 alpha-2 (vide pour une organisation internationale)"),
                _member_country,
            ),
            Column("role", _("rôle dans le réseau")),
            Column("since", _("membre depuis (AAAA-MM-JJ)")),
            Column(
                "since_precision",
                _("précision : year, month ou day"),
                lambda m: _precision(m.since_precision),
            ),
            Column("until", _("membre jusqu’à (AAAA-MM-JJ), vide s’il l’est toujours")),
            Column(
                "until_precision",
                _("précision : year, month ou day"),
                lambda m: _precision(m.until_precision),
            ),
            Column("joined_note", _("modalité d’adhésion")),
            Column("activities", _("ce que le membre fait dans le réseau")),
            Column(
                "home",
                _("la participation de Toulouse elle-même (la Ville ou la Métropole) : oui ou non"),
                lambda m: m.is_home,
            ),
            LAST_CHANGE,
        ),
    ),
    Dataset(
        slug="dates-cles",
        title=_("Dates clés des réseaux"),
        rows=queries.key_dates,
        columns=(
            Column("network", _("identifiant du réseau (voir reseaux)"), lambda k: k.network.slug),
            Column("date", _("date (AAAA-MM-JJ, premier jour de la période connue)")),
            Column("precision", _("précision : year, month ou day"), lambda k: k.date_precision),
            Column("label", _("événement")),
        ),
    ),
    Dataset(
        slug="acteurs",
        title=_("Annuaire des acteurs"),
        rows=queries.actors,
        columns=(
            Column("slug", _("identifiant, celui de la page /organisations/<slug>/")),
            Column("name", _("nom")),
            Column("acronym", _("sigle")),
            Column(
                "kind", _("type : entreprise, agence, organisation-internationale, association ou universite")
            ),
            Column(
                "country", _("pays, code ISO 3166-1 alpha-2"), lambda o: o.country.code if o.country else None
            ),
            Column("city", _("ville")),
            Column("department", _("département")),
            Column(
                "intervention_countries",
                _("pays d’intervention, codes ISO 3166-1 alpha-2"),
                lambda o: [country.code for country in o.intervention_countries.all()],
            ),
            Column("action_fields", _("domaines d’intervention (identifiants)"), _slugs("action_fields")),
            Column("activities", _("types d’activité (identifiants)"), _slugs("activities")),
            Column("description", _("présentation")),
            Column("offices", _("adresses des bureaux, séparées par une ligne vide")),
            Column("website", _("site web")),
            Column("phone", _("téléphone de l’organisation")),
            Column("email", _("courriel de l’organisation")),
        ),
        note=_("Les coordonnées publiques des organisations, jamais celles d’une personne."),
    ),
    Dataset(
        slug="preconisations",
        title=_("Préconisations"),
        rows=queries.proposals,
        columns=(
            Column("slug", _("identifiant, celui de la page /preconisations/<slug>/")),
            Column("title", _("titre")),
            Column("status", _("statut : publiee, en-etude, retenue, ecartee ou retiree")),
            Column(
                "official", _("préconisation d’Archipel (oui) ou d’un citoyen (non)"), lambda p: p.is_official
            ),
            Column("votes_for", _("nombre de votes pour")),
            Column("votes_against", _("nombre de votes contre")),
            Column("comments", _("nombre de commentaires"), lambda p: p.comment_count),
            Column(
                "created", _("date de publication (AAAA-MM-JJ)"), lambda p: timezone.localdate(p.created_at)
            ),
            Column("topic", _("identifiant de la thématique"), lambda p: p.topic.slug),
            Column("axes", _("axes d’Archipel (identifiants)"), _slugs("themes")),
            Column("tags", _("étiquettes"), lambda p: sorted(tag.name for tag in p.tags.all())),
            Column(
                "threshold_reached_at",
                _("date et heure où le seuil de votes pour une réponse a été atteint (ISO 8601), vide sinon"),
                _moment("threshold_reached_at"),
            ),
            Column(
                "answer_due_at",
                _("date et heure avant laquelle une réponse officielle est attendue (ISO 8601), vide sinon"),
                _moment("answer_due_at"),
            ),
            Column(
                "answered_at",
                _("date et heure de la première réponse officielle (ISO 8601), vide sinon"),
                _moment("answered_at"),
            ),
        ),
        note=_("Les préconisations visibles, avec leurs totaux : ni auteur, ni vote individuel."),
    ),
    Dataset(
        slug="evaluations",
        title=_("Évaluation des partenariats, en chiffres"),
        rows=queries.evaluations,
        columns=(
            Column(
                "partnership", _("identifiant du partenariat (voir partenariats-detail)"), lambda p: p.slug
            ),
            Column(
                "french_authority",
                _("identifiant de la collectivité française"),
                lambda p: p.french_authority.slug,
            ),
            Column("partner", _("identifiant de la collectivité partenaire"), lambda p: p.partner.slug),
            Column(
                "last_assessed_year",
                _("dernière année couverte par un bilan public, vide s’il n’y en a aucun"),
            ),
            Column("action_count", _("nombre d’actions recensées")),
            Column(
                "spending",
                _(
                    "dépenses connues en euros : pour chaque année, le coût donné par son bilan, "
                    "sinon la somme des budgets connus de ses actions ; vide si rien n’est connu"
                ),
            ),
            Column(
                "rating_average",
                format_lazy(
                    _(
                        "note citoyenne moyenne, de 1 à 5, tous axes confondus ; vide avec moins de "
                        "{minimum} citoyens ayant donné une note"
                    ),
                    minimum=MINIMUM_REVIEWERS,
                ),
            ),
            Column("reviewer_count", _("nombre de citoyens ayant donné leur avis")),
        ),
        note=_(
            "Une ligne par partenariat, évalué ou non. Le détail est dans actions, bilans et avis-par-axe."
        ),
    ),
    Dataset(
        slug="actions",
        title=_("Actions des partenariats"),
        rows=queries.actions,
        columns=(
            Column("partnership", _("identifiant du partenariat"), lambda a: a.partnership.slug),
            Column("year", _("année")),
            Column("title", _("intitulé")),
            Column(
                "action_field",
                _("champ de l’action extérieure (identifiant)"),
                lambda a: a.action_field.slug if a.action_field else None,
            ),
            Column("axes", _("axes d’Archipel servis (identifiants)"), _slugs("themes")),
            Column(
                "sdgs",
                _("objectifs de développement durable (numéros)"),
                lambda a: [g.number for g in a.sdgs.all()],
            ),
            Column("budget", _("budget en euros, vide s’il n’est pas connu")),
            Column(
                "organisations", _("acteurs de l’annuaire impliqués (voir acteurs)"), _slugs("organisations")
            ),
            Column("other_partners", _("autres partenaires impliqués")),
            Column("outcomes_here", _("retombées côté français")),
            Column("outcomes_abroad", _("retombées chez le partenaire")),
            Column(
                "sources", _("adresses des documents sources"), lambda a: [s.url for s in a.sources.all()]
            ),
        ),
    ),
    Dataset(
        slug="bilans",
        title=_("Bilans annuels des partenariats"),
        rows=queries.assessments,
        columns=(
            Column("partnership", _("identifiant du partenariat"), lambda a: a.partnership.slug),
            Column("year", _("année évaluée")),
            Column("published_on", _("date de publication du bilan (AAAA-MM-JJ)")),
            Column("achievements", _("ce qui a été fait")),
            Column("cost", _("coût en euros, vide s’il n’est pas communiqué")),
            Column("returns_here", _("retour pour les acteurs côté français")),
            Column("returns_abroad", _("retour pour les acteurs du partenaire")),
            Column(
                "sources", _("adresses des documents sources"), lambda a: [s.url for s in a.sources.all()]
            ),
        ),
    ),
    Dataset(
        slug="avis-par-axe",
        title=_("Avis citoyens par partenariat et par axe"),
        rows=_published_scores_by_axis,
        columns=(
            Column("partnership", _("identifiant du partenariat"), lambda r: r["review__partnership__slug"]),
            Column("axis", _("axe d’Archipel (identifiant)"), lambda r: r["theme__slug"]),
            Column("total", _("nombre de notes"), lambda r: r["total"]),
            Column(
                "average",
                _("note moyenne, de 1 à 5"),
                lambda r: Decimal(r["average"]).quantize(Decimal("0.01")),
            ),
            *(
                Column(
                    f"score_{n}",
                    _("nombre de notes égales à %(score)d") % {"score": n},
                    lambda r, n=n: r[f"score_{n}"],
                )
                for n in range(1, 6)
            ),
        ),
        note=format_lazy(
            _(
                "Les notes additionnées, jamais qui les a données ni les commentaires ; un axe d’un "
                "partenariat n’y figure qu’à partir de {minimum} notes."
            ),
            minimum=MINIMUM_REVIEWERS,
        ),
    ),
    Dataset(
        slug="partenaires",
        title=_("Carte des collectivités engagées dans un partenariat"),
        rows=queries.located_partners,
        formats=("geojson",),
        point=_point,
        columns=_AUTHORITY_PROPERTIES,
        note=_("Un point WGS 84 (longitude, latitude) par collectivité dont la position est connue."),
    ),
    Dataset(
        slug="membres-reseaux",
        title=_("Carte des collectivités membres d’un réseau"),
        rows=queries.located_network_members,
        formats=("geojson",),
        point=_point,
        columns=(
            *_AUTHORITY_PROPERTIES,
            Column(
                "networks",
                _("identifiants des réseaux dont elle est membre (voir reseaux)"),
                lambda a: [m.network.slug for m in a.memberships.all()],
            ),
        ),
        note=_("Un point WGS 84 (longitude, latitude) par collectivité dont la position est connue."),
    ),
]

DATASETS_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
