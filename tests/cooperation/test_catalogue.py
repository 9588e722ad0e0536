"""The loaded catalogue (fixtures/*.json) holds the seeds' facts, and loading it is idempotent.

tests/conftest.py loads every fixture once per session with `load_catalogue`.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from cooperation.models import (
    ActionField,
    Country,
    LocalAuthority,
    Partnership,
    PartnershipMilestone,
    Source,
    SustainableDevelopmentGoal,
    Theme,
)
from proposals.models import Topic

pytestmark = pytest.mark.django_db

TOULOUSE_URL = "https://www.toulouse.fr/web/la-mairie/europe-international"
EUROREGIO_URL = "http://www.euroregio.eu/fr"
UN_SDG_URL = "https://www.un.org/sustainabledevelopment/fr/objectifs-de-developpement-durable/"

TOULOUSE_TWINS = {"Atlanta", "Bologne", "Chongqing", "Elche", "Kiev", "Tel-Aviv"}
TOULOUSE_AGREEMENTS = {
    "Barcelone",
    "Casablanca",
    "Düsseldorf",
    "Hanoï",
    "Ramallah",
    "Saint-Louis",
    "Saragosse",
}
BASSE_NORMANDIE_PARTNERS = {
    "Comté du Hampshire",
    "Province du Hordaland",
    "Région Toscane",
    "Province du Fujian",
}

SDG_TITLES = {
    1: "Pas de pauvreté",
    2: "Faim « zéro »",
    3: "Bonne santé et bien-être",
    4: "Éducation de qualité",
    5: "Égalité entre les sexes",
    6: "Eau propre et assainissement",
    7: "Énergie propre et d'un coût abordable",
    8: "Travail décent et croissance économique",
    9: "Industrie, innovation et infrastructure",
    10: "Inégalités réduites",
    11: "Villes et communautés durables",
    12: "Consommation et production responsables",
    13: "Mesures relatives à la lutte contre les changements climatiques",
    14: "Vie aquatique",
    15: "Vie terrestre",
    16: "Paix, justice et institutions efficaces",
    17: "Partenariats pour la réalisation des objectifs",
}


def partner_names(french_slug, kind):
    return set(
        Partnership.objects.filter(french_authority__slug=french_slug, kind=kind).values_list(
            "partner__name", flat=True
        )
    )


def partnership_with(partner_slug):
    return Partnership.objects.select_related("partner__country", "french_authority").get(
        partner__slug=partner_slug
    )


# --- Toulouse's partners (seed 000) -------------------------------------------------


def test_it_lists_toulouses_six_twin_cities():
    assert partner_names("toulouse", "jumelage") == TOULOUSE_TWINS


def test_it_lists_toulouses_seven_cooperation_agreements():
    assert partner_names("toulouse", "accord-de-cooperation") == TOULOUSE_AGREEMENTS


def test_it_gives_toulouse_no_other_partnership():
    assert Partnership.objects.filter(french_authority__slug="toulouse").count() == 13


def test_it_keeps_every_seed_partnership_active_and_decentralised():
    for partnership in Partnership.objects.filter(
        french_authority__slug__in=["toulouse", "region-basse-normandie"]
    ).prefetch_related("action_fields"):
        assert partnership.status == "actif", partnership.slug
        field_slugs = {f.slug for f in partnership.action_fields.all()}
        assert "cooperation-decentralisee" in field_slugs, partnership.slug


def test_it_cites_the_toulouse_page_for_toulouses_partnerships():
    partnerships = Partnership.objects.filter(french_authority__slug="toulouse").prefetch_related("sources")
    for partnership in partnerships:
        assert TOULOUSE_URL in {s.url for s in partnership.sources.all()}, partnership.slug


def test_it_places_toulouse_in_its_metropole():
    toulouse = LocalAuthority.objects.select_related("parent", "country").get(slug="toulouse")
    assert toulouse.name == "Toulouse"
    assert toulouse.kind == "commune"
    assert toulouse.country.code == "FR"
    assert toulouse.parent.slug == "toulouse-metropole"
    assert toulouse.parent.kind == "metropole"
    assert (toulouse.latitude, toulouse.longitude) == (Decimal("43.6045"), Decimal("1.4440"))


def test_it_uses_the_french_and_english_names_of_partners():
    names = dict(LocalAuthority.objects.values_list("slug", "name"))
    english = dict(LocalAuthority.objects.values_list("slug", "name_en"))
    assert (names["kiev"], english["kiev"]) == ("Kiev", "Kyiv")
    assert (names["saragosse"], english["saragosse"]) == ("Saragosse", "Zaragoza")
    assert (names["barcelone"], english["barcelone"]) == ("Barcelone", "Barcelona")
    assert (names["bologne"], english["bologne"]) == ("Bologne", "Bologna")
    assert (names["hanoi"], english["hanoi"]) == ("Hanoï", "Hanoi")
    assert names["dusseldorf"] == "Düsseldorf"


# --- Start dates (reference/partners.md) --------------------------------------------


@pytest.mark.parametrize(
    ("partner_slug", "since", "precision"),
    [
        ("kiev", datetime.date(1975, 6, 7), "day"),
        ("tel-aviv", datetime.date(1962, 1, 1), "year"),
        ("hanoi", datetime.date(1996, 1, 1), "year"),
        ("ramallah", datetime.date(2009, 1, 1), "year"),
        ("bologne", datetime.date(1981, 1, 1), "year"),
        ("dusseldorf", datetime.date(2003, 1, 1), "year"),
        ("saragosse", datetime.date(2000, 1, 1), "year"),
        ("atlanta", datetime.date(1975, 1, 1), "year"),
        ("hordaland", datetime.date(1993, 1, 1), "year"),
        ("fujian", datetime.date(1990, 1, 1), "year"),
    ],
)
def test_it_dates_each_partnership_as_the_sources_do(partner_slug, since, precision):
    partnership = partnership_with(partner_slug)
    assert (partnership.since, partnership.since_precision) == (since, precision)


def test_it_shows_kievs_start_to_the_day_and_others_to_the_year():
    assert partnership_with("kiev").since_display != "1975"
    assert partnership_with("tel-aviv").since_display == "1962"


@pytest.mark.parametrize("partner_slug", ["chongqing", "elche", "barcelone", "hampshire", "toscane"])
def test_it_leaves_unknown_or_disputed_start_dates_empty_with_a_note(partner_slug):
    partnership = partnership_with(partner_slug)
    assert partnership.since is None
    assert partnership.since_precision == ""
    assert partnership.since_note


def test_it_records_that_sources_disagree_on_chongqing():
    note = partnership_with("chongqing").since_note
    assert "1981" in note
    assert "1982" in note


def test_it_records_atlantas_own_date_for_the_twinning():
    assert "1974" in partnership_with("atlanta").since_note


def test_it_dates_the_milestones_of_kiev_barcelone_and_saint_louis():
    def milestones(partner_slug):
        return {
            (m.date, m.date_precision)
            for m in PartnershipMilestone.objects.filter(partnership__partner__slug=partner_slug)
        }

    assert (datetime.date(2025, 1, 1), "year") in milestones("kiev")
    assert (datetime.date(2023, 3, 3), "day") in milestones("barcelone")
    assert milestones("saint-louis") == {
        (datetime.date(2003, 1, 1), "year"),
        (datetime.date(2005, 1, 1), "year"),
        (datetime.date(2014, 10, 25), "day"),
    }
    assert {d.year for d, _ in milestones("dusseldorf")} == {2003, 2021}
    assert {d.year for d, _ in milestones("saragosse")} == {2000, 2008}
    assert not milestones("chongqing")


def test_it_links_the_hanoi_cooperation_to_climate_and_cities():
    hanoi = partnership_with("hanoi")
    assert {t.slug for t in hanoi.themes.all()} == {"transition-ecologique"}
    assert {g.number for g in hanoi.sdgs.all()} == {11, 13}


# --- Région Basse-Normandie (seed 004) ----------------------------------------------


def test_it_lists_the_four_partners_of_basse_normandie():
    assert partner_names("region-basse-normandie", "accord-de-cooperation") == BASSE_NORMANDIE_PARTNERS
    assert Partnership.objects.filter(french_authority__slug="region-basse-normandie").count() == 4


def test_it_gives_basse_normandie_partners_their_kind_and_country():
    expected = {
        "hampshire": ("comte", "GB"),
        "hordaland": ("province", "NO"),
        "toscane": ("region", "IT"),
        "fujian": ("province", "CN"),
        "region-basse-normandie": ("region", "FR"),
    }
    actual = {
        slug: (kind, code)
        for slug, kind, code in LocalAuthority.objects.filter(slug__in=expected).values_list(
            "slug", "kind", "country__code"
        )
    }
    assert actual == expected


# --- Countries and coordinates ------------------------------------------------------


@pytest.mark.parametrize(
    ("partner_slug", "country_code", "country_name", "continent"),
    [
        ("atlanta", "US", "États-Unis", "amerique-du-nord"),
        ("bologne", "IT", "Italie", "europe"),
        ("chongqing", "CN", "Chine", "asie"),
        ("elche", "ES", "Espagne", "europe"),
        ("kiev", "UA", "Ukraine", "europe"),
        ("tel-aviv", "IL", "Israël", "asie"),
        ("casablanca", "MA", "Maroc", "afrique"),
        ("dusseldorf", "DE", "Allemagne", "europe"),
        ("hanoi", "VN", "Viêt Nam", "asie"),
        ("ramallah", "PS", "Palestine", "asie"),
        ("saint-louis", "SN", "Sénégal", "afrique"),
        ("saragosse", "ES", "Espagne", "europe"),
        ("hampshire", "GB", "Royaume-Uni", "europe"),
        ("hordaland", "NO", "Norvège", "europe"),
    ],
)
def test_it_puts_each_partner_in_its_country_and_continent(
    partner_slug, country_code, country_name, continent
):
    country = LocalAuthority.objects.select_related("country").get(slug=partner_slug).country
    assert (country.code, country.name, country.continent) == (country_code, country_name, continent)


def test_it_defines_every_country_the_network_fixtures_rely_on():
    codes = "FR ES MA MR SN BR UY AR CL DE BE IT GB NL CA TN US CN UA IL VN PS NO".split()
    assert set(codes) <= set(Country.objects.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("slug", "latitude", "longitude"),
    [
        ("atlanta", "33.7489", "-84.3900"),
        ("kiev", "50.4500", "30.5233"),
        ("hanoi", "21.0285", "105.8542"),
        ("saint-louis", "16.0280", "-16.5049"),
        ("saragosse", "41.6500", "-0.8833"),
        ("hampshire", "51.0632", "-1.3080"),
        ("fujian", "26.0743", "119.2964"),
    ],
)
def test_it_locates_partners_at_their_reference_coordinates(slug, latitude, longitude):
    authority = LocalAuthority.objects.get(slug=slug)
    assert (authority.latitude, authority.longitude) == (Decimal(latitude), Decimal(longitude))


# --- Reference lists ---------------------------------------------------------------


def test_it_defines_archipels_four_axes_in_order():
    assert list(Theme.objects.order_by("position").values_list("slug", "name")) == [
        ("transition-ecologique", "Transition écologique"),
        ("demarche-democratique", "Démarche démocratique"),
        ("justice-sociale-et-solidarite", "Justice sociale et solidarité"),
        ("vivre-en-commun", "Vivre en commun"),
    ]


def test_it_names_the_17_sdgs_exactly():
    assert dict(SustainableDevelopmentGoal.objects.values_list("number", "title")) == SDG_TITLES


def test_it_defines_the_seven_fields_of_external_action():
    assert set(ActionField.objects.values_list("slug", flat=True)) == {
        "cooperation-decentralisee",
        "cooperation-territoriale-europeenne",
        "soutien-acteurs-solidarite",
        "mobilite-internationale-jeunes",
        "aide-urgence",
        "cooperation-economique",
        "reseaux-de-villes",
    }
    assert all(ActionField.objects.values_list("description", flat=True))


# --- The home topic (seed 000) ------------------------------------------------------


def test_it_makes_the_cooperation_topic_the_home_page():
    topic = Topic.objects.get(is_home=True)
    assert topic.slug == "cooperation-europeenne-et-internationale"
    assert topic.title == "Coopération européenne et internationale"
    assert [t.slug for t in topic.themes.order_by("position")] == [
        "transition-ecologique",
        "demarche-democratique",
        "justice-sociale-et-solidarite",
        "vivre-en-commun",
    ]
    assert {s.url for s in topic.sources.all()} == {TOULOUSE_URL, EUROREGIO_URL, UN_SDG_URL}


def test_it_keeps_the_topic_text_from_the_seed():
    topic = Topic.objects.get(slug="cooperation-europeenne-et-internationale")
    assert topic.objectives.startswith("Cela concerne les relations de jumelage")
    assert "Barcelone, Casablanca, Düsseldorf, Hanoï, Ramallah, Saint-Louis et Saragosse" in topic.objectives
    assert "Atlanta, Bologne, Chongqing, Elche, Kiev et Tel-Aviv" in topic.objectives
    assert len(topic.objectives.split("\n\n")) == 4
    assert topic.themes_intro.startswith("Archipel Citoyen propose de favoriser les partenariats")
    assert topic.diagnostic.startswith("La politique de relation internationales")
    assert len(topic.diagnostic.split("\n\n")) == 2
    assert "Hanoï" in topic.mayor_record
    assert "eurorégion Pyrénées Méditerranée" in topic.mayor_record


# --- Idempotence --------------------------------------------------------------------


def catalogue_snapshot():
    models = [
        Country,
        LocalAuthority,
        Theme,
        SustainableDevelopmentGoal,
        ActionField,
        Source,
        Partnership,
        PartnershipMilestone,
        Topic,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Partnership.themes"] = Partnership.themes.through.objects.count()
    counts["Partnership.sdgs"] = Partnership.sdgs.through.objects.count()
    counts["Partnership.action_fields"] = Partnership.action_fields.through.objects.count()
    counts["Partnership.sources"] = Partnership.sources.through.objects.count()
    counts["Topic.themes"] = Topic.themes.through.objects.count()
    counts["Topic.sources"] = Topic.sources.through.objects.count()
    rows = {
        "authorities": sorted(
            LocalAuthority.objects.values_list(
                "pk", "slug", "name", "latitude", "longitude", "parent_id", "country_id"
            )
        ),
        "partnerships": sorted(
            Partnership.objects.values_list(
                "pk", "slug", "partner_id", "since", "since_precision", "since_note", "description"
            )
        ),
        "milestones": sorted(
            PartnershipMilestone.objects.values_list(
                "pk", "partnership_id", "date", "date_precision", "label"
            )
        ),
        "sdgs": sorted(SustainableDevelopmentGoal.objects.values_list("pk", "number", "title")),
        "topic": list(Topic.objects.values_list("pk", "slug", "objectives", "is_home")),
    }
    return counts, rows


def test_it_changes_nothing_when_the_catalogue_is_loaded_again():
    counts_before, rows_before = catalogue_snapshot()
    call_command("load_catalogue", verbosity=0)
    counts_after, rows_after = catalogue_snapshot()
    assert counts_after == counts_before
    assert rows_after == rows_before


def test_it_passes_every_model_validation():
    models = [Country, LocalAuthority, Theme, SustainableDevelopmentGoal, ActionField, Source, Partnership]
    for model in models:
        for obj in model.objects.all():
            obj.full_clean()
    for milestone in PartnershipMilestone.objects.select_related("partnership"):
        milestone.full_clean()
    for topic in Topic.objects.all():
        topic.full_clean()
