"""The city-network catalogue (fixtures/04_networks.json) checked against seed 001.

tests/conftest.py loads every fixture once per session with `load_catalogue`; these tests
read that loaded catalogue and compare it, fact by fact, with the seeds (001: the networks
Toulouse belongs to; 002: Occitanie Coopération's offices; reference/partners.md: the
Eurorégion Pyrénées-Méditerranée).
"""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from cooperation.models import LocalAuthority, Organisation
from networks.models import KeyDate, Membership, Network, NetworkKind, Objective

pytestmark = pytest.mark.django_db

CITY_NETWORK_SLUGS = {
    "aeropostale",
    "aimf",
    "afccre",
    "cglu",
    "cuf",
    "cva",
    "eccar",
    "efus",
    "eurocities",
    "luci",
    "occitanie-cooperation",
    "ps-eau",
    "xarxa-fp",
    "observatoire-vivre-ensemble",
    "pacte-de-milan",
}
EUROREGION = "euroregion-pyrenees-mediterranee"


def network(slug):
    return Network.objects.get(slug=slug)


def home_membership(slug):
    """The one membership of the Ville de Toulouse or Toulouse Métropole in a network."""
    return Membership.objects.of_home().select_related("authority").get(network__slug=slug)


def member_slugs(slug):
    return {
        m.member.slug
        for m in Membership.objects.filter(network__slug=slug).select_related("authority", "organisation")
    }


# --------------------------------------------------------------------------- the list


def test_fifteen_city_networks_and_one_euroregion():
    assert set(Network.objects.city_networks().values_list("slug", flat=True)) == CITY_NETWORK_SLUGS
    euroregions = Network.objects.filter(kind=NetworkKind.EUROREGION)
    assert list(euroregions.values_list("slug", flat=True)) == [EUROREGION]
    assert Network.objects.count() == 16


@pytest.mark.parametrize(
    "slug, name, acronym",
    [
        ("aeropostale", "Réseau international des Villes Etapes de la Ligne de l'Aéropostale", ""),
        ("aimf", "Association Internationale des Maires Francophones", "AIMF"),
        ("afccre", "Association Française du Conseil des Communes et Régions d'Europe", "AFCCRE"),
        ("cglu", "Cités et Gouvernements Locaux Unis", "CGLU"),
        ("cuf", "Cités Unies France", "CUF"),
        ("cva", "Communauté des Villes Ariane", "CVA"),
        ("eccar", "Coalition européenne des villes contre le racisme", "ECCAR"),
        ("efus", "Forum européen pour la sécurité urbaine", "EFUS"),
        ("eurocities", "Eurocities", ""),
        ("luci", "Lighting Urban Community International", "LUCI"),
        ("occitanie-cooperation", "Occitanie Coopération", ""),
        ("ps-eau", "Programme Solidarité Eau", "PS-Eau"),
        ("xarxa-fp", "Xarxa FP", ""),
        ("observatoire-vivre-ensemble", "Observatoire international des maires sur le vivre ensemble", ""),
        ("pacte-de-milan", "Pacte de Milan pour l'Agriculture urbaine", ""),
        (EUROREGION, "Eurorégion Pyrénées-Méditerranée", ""),
    ],
)
def test_names_and_acronyms(slug, name, acronym):
    net = network(slug)
    assert (net.name, net.acronym) == (name, acronym)
    assert net.description.strip()


@pytest.mark.parametrize(
    "slug, tagline",
    [
        ("aeropostale", "Perpétuer la mémoire de la ligne, formidable épopée humaine et économique"),
        ("cglu", "Le réseau Mondial des Villes et Gouvernements Locaux et Régionaux"),
        ("cva", "Coopération dans les programmes de transport spatial Ariane"),
        ("eccar", "Lutte contre le racisme, la discrimination et la xénophobie"),
        ("efus", "Réseau européen d'échanges sur la sécurité urbaine"),
        ("eurocities", "La voix des grandes villes en Europe"),
        ("luci", "Réseau international des villes sur l'éclairage urbain"),
        (
            "occitanie-cooperation",
            "Réseau régional multi-acteurs de la coopération et de la solidarité internationale",
        ),
        ("xarxa-fp", "Favoriser la mobilité des jeunes en formation professionnelle"),
    ],
)
def test_taglines_from_the_seed(slug, tagline):
    assert network(slug).tagline == tagline


@pytest.mark.parametrize(
    "slug, scope",
    [
        ("cuf", "national"),
        ("afccre", "national"),
        ("occitanie-cooperation", "regional"),
        ("eurocities", "europeen"),
        ("efus", "europeen"),
        ("cglu", "international"),
        ("aimf", "international"),
        ("aeropostale", "international"),
        (EUROREGION, "europeen"),
    ],
)
def test_scope(slug, scope):
    assert network(slug).scope == scope


# --------------------------------------------------------------------------- facts


@pytest.mark.parametrize(
    "slug, size",
    [
        ("aeropostale", "28 membres actifs"),
        ("aimf", "272 membres dans 49 pays"),
        ("afccre", "1 300 collectivités territoriales"),
        (
            "cglu",
            "240 000 villes, métropoles et régions et leurs associations ; "
            "Présent dans 140 des 191 états membres des Nations Unies",
        ),
        (
            "cuf",
            "400 adhérents (régions, départements, métropoles, villes, structures intercommunales) ; "
            "Anime un réseau de 4 800 collectivités territoriales engagées dans la coopération décentralisée",
        ),
        ("cva", "41 membres"),
        ("eccar", "150 villes dans 24 pays"),
        ("efus", "250 collectivités locales et régionales membres"),
        ("eurocities", "+ de 130 villes membres ; 40 villes partenaires (35 pays représentés)"),
        ("xarxa-fp", "35 villes européennes de 15 pays différents"),
        ("observatoire-vivre-ensemble", "54 villes du monde entier"),
        ("pacte-de-milan", "210 villes"),
    ],
)
def test_declared_size_as_stated(slug, size):
    assert network(slug).declared_size == size


def test_declared_sizes_with_associates_and_individuals():
    assert network("luci").declared_size.startswith("70 villes ; 40 membres associés")
    ps_eau = network("ps-eau").declared_size
    assert "centaine d'organismes adhérents" in ps_eau and "trentaine de particuliers" in ps_eau


@pytest.mark.parametrize(
    "slug, date, precision, display",
    [
        ("aeropostale", datetime.date(2011, 12, 1), "month", "décembre 2011"),
        ("aimf", datetime.date(1979, 1, 1), "year", "1979"),
        ("afccre", datetime.date(1951, 1, 1), "year", "1951"),
        ("cglu", datetime.date(2004, 5, 1), "month", "mai 2004"),
        ("cuf", datetime.date(1975, 1, 1), "year", "1975"),
        ("cva", datetime.date(1998, 1, 1), "year", "1998"),
        ("eccar", datetime.date(2004, 1, 1), "year", "2004"),
        ("efus", datetime.date(1987, 1, 1), "year", "1987"),
        ("eurocities", datetime.date(1986, 1, 1), "year", "1986"),
        ("luci", datetime.date(2002, 1, 1), "year", "2002"),
        ("occitanie-cooperation", datetime.date(2012, 1, 1), "year", "2012"),
        ("ps-eau", datetime.date(1984, 1, 1), "year", "1984"),
        ("xarxa-fp", datetime.date(1999, 1, 1), "year", "1999"),
        ("observatoire-vivre-ensemble", datetime.date(2015, 1, 1), "year", "2015"),
        ("pacte-de-milan", datetime.date(2015, 1, 1), "year", "2015"),
        (EUROREGION, datetime.date(2004, 10, 29), "day", None),
    ],
)
def test_founding_dates(slug, date, precision, display):
    net = network(slug)
    assert (net.founded_on, net.founded_on_precision) == (date, precision)
    if display:
        assert net.founded_display == display


@pytest.mark.parametrize(
    "slug, count",
    [
        ("aeropostale", 6),
        ("aimf", 4),
        ("afccre", 4),
        ("cglu", 2),
        ("cuf", 2),
        ("cva", 5),
        ("eccar", 2),
        ("efus", 2),
        ("eurocities", 2),
        ("luci", 2),
        ("occitanie-cooperation", 3),
        ("ps-eau", 2),
        ("xarxa-fp", 2),
        ("observatoire-vivre-ensemble", 2),
        ("pacte-de-milan", 2),
        (EUROREGION, 5),
    ],
)
def test_key_date_count(slug, count):
    key_dates = KeyDate.objects.filter(network__slug=slug)
    assert key_dates.count() == count
    assert sorted(key_dates.values_list("position", flat=True)) == list(range(1, count + 1))


def test_aeropostale_timeline_is_month_precise():
    key_dates = list(KeyDate.objects.filter(network__slug="aeropostale"))
    assert [(k.date, k.date_precision) for k in key_dates] == [
        (datetime.date(2011, 12, 1), "month"),
        (datetime.date(2012, 12, 1), "month"),
        (datetime.date(2013, 11, 1), "month"),
        (datetime.date(2015, 12, 1), "month"),
        (datetime.date(2017, 4, 1), "month"),
        (datetime.date(2018, 4, 1), "month"),
    ]
    assert "Malaga" in key_dates[1].label and "Tarfaya" in key_dates[2].label
    assert "Saint-Louis" in key_dates[3].label and "Casablanca" in key_dates[4].label
    assert "Envol des pionniers" in key_dates[5].label


def test_key_dates_of_presidencies():
    labels = list(KeyDate.objects.filter(network__slug="afccre").values_list("label", flat=True))
    assert any("Juppé" in label for label in labels) and any("Philippe Laurent" in label for label in labels)
    assert KeyDate.objects.filter(network__slug="aimf", date__year=2014, label__contains="Hidalgo").exists()
    cva = {k.date.year: k.label for k in KeyDate.objects.filter(network__slug="cva", date__year__gte=2017)}
    assert "Séville" in cva[2019] and "Bordeaux Métropole" in cva[2020]


@pytest.mark.parametrize(
    "slug, count",
    [
        ("aeropostale", 4),
        ("cuf", 5),
        ("efus", 3),
        ("luci", 3),
        ("xarxa-fp", 3),
        ("pacte-de-milan", 6),
        ("aimf", 1),
        ("cglu", 1),
        ("ps-eau", 1),
    ],
)
def test_objectives_in_order(slug, count):
    positions = list(Objective.objects.filter(network__slug=slug).values_list("position", flat=True))
    assert positions == list(range(1, count + 1))


def test_aeropostale_objective_mentions_the_day_of_11_april():
    assert Objective.objects.get(network__slug="aeropostale", position=4).text.count("11 avril") == 1


def test_headquarters():
    assert network("cglu").headquarters.slug == "barcelone"
    brussels = network("eurocities").headquarters
    assert (brussels.name, brussels.country.code) == ("Bruxelles", "BE")
    occitanie = network("occitanie-cooperation")
    assert occitanie.headquarters.slug == "ramonville-saint-agne"
    assert occitanie.headquarters.country.code == "FR"
    assert "7 rue Hermès" in occitanie.headquarters_address and "31520" in occitanie.headquarters_address
    assert "Montpellier" in occitanie.headquarters_address
    euroregion = network(EUROREGION)
    assert (euroregion.headquarters.name, euroregion.headquarters.country.code) == ("Perpignan", "FR")


def test_governance():
    assert (
        network("aeropostale").governance
        == "Présidence Toulouse, vice-présidents Casablanca et Santiago du Chili"
    )
    assert "Paris" in network("aimf").governance and "Bordeaux" in network("aimf").governance
    assert "Rebsamen" in network("cuf").governance
    assert "Bologne" in network("eccar").governance
    assert "Barcelone" in network("xarxa-fp").governance


def test_websites_only_where_a_seed_gives_one():
    assert network(EUROREGION).website == "http://www.euroregio.eu/fr"
    assert set(Network.objects.exclude(website="").values_list("slug", flat=True)) == {EUROREGION}


def test_every_network_has_an_axis():
    assert not Network.objects.filter(themes__isnull=True).exists()
    assert network("luci").themes.filter(slug="transition-ecologique").exists()
    assert network("eccar").themes.filter(slug="vivre-en-commun").exists()


# --------------------------------------------------------------------------- members


def test_aeropostale_members_per_country():
    memberships = Membership.objects.filter(network__slug="aeropostale").select_related("authority__country")
    assert not memberships.filter(organisation__isnull=False).exists()
    per_country = Counter(m.authority.country.code for m in memberships)
    assert per_country == {
        "FR": 1,
        "ES": 4,
        "MA": 6,
        "MR": 1,
        "SN": 2,
        "BR": 10,
        "UY": 1,
        "AR": 2,
        "CL": 1,
    }
    assert sum(per_country.values()) == 28


def test_aeropostale_cities_and_roles():
    slugs = member_slugs("aeropostale")
    assert {"barcelone", "elche", "alicante", "malaga"} <= slugs
    assert {"tanger", "rabat", "casablanca", "agadir", "tarfaya", "dakhla"} <= slugs
    assert {"nouadhibou", "saint-louis", "dakar", "montevideo", "buenos-aires", "mendoza"} <= slugs
    assert {"natal", "recife", "salvador-de-bahia", "florianopolis", "porto-alegre", "pelotas"} <= slugs
    roles = dict(
        Membership.objects.filter(network__slug="aeropostale")
        .exclude(role="")
        .values_list("authority__slug", "role")
    )
    assert roles == {
        "toulouse": "Présidence (fondatrice)",
        "casablanca": "Vice-présidence",
        "santiago-du-chili": "Vice-présidence",
    }


def test_aimf_members():
    assert member_slugs("aimf") == {
        "toulouse",
        "paris",
        "bordeaux",
        "lyon",
        "nancy",
        "nantes",
        "nice",
        "marseille",
        "tours",
        "poitiers",
        "strasbourg",
    }
    assert Membership.objects.get(network__slug="aimf", authority__slug="paris").role == "Présidence"
    assert "Bureau exécutif" in Membership.objects.get(network__slug="aimf", authority__slug="bordeaux").role


def test_cva_cities_and_organisations():
    memberships = Membership.objects.filter(network__slug="cva")
    cities = set(memberships.filter(authority__kind="commune").values_list("authority__slug", flat=True))
    assert len(cities) == 21
    assert {
        "augsburg",
        "terrassa",
        "kourou",
        "liege",
        "ottobrunn",
        "taufkirchen",
        "seville",
        "toulouse",
    } <= cities
    assert LocalAuthority.objects.get(slug="kourou").country.code == "FR"
    assert memberships.filter(authority__slug="bordeaux-metropole", role__contains="2020").exists()
    organisations = set(
        memberships.filter(organisation__isnull=False).values_list("organisation__slug", flat=True)
    )
    assert organisations == {"cnes", "esa", "arianespace", "telespazio-france"}


@pytest.mark.parametrize(
    "slug, kind, country",
    [
        ("cnes", "agence", "FR"),
        ("esa", "organisation-internationale", None),
        ("arianespace", "entreprise", "FR"),
        ("telespazio-france", "entreprise", "FR"),
    ],
)
def test_space_members_are_organisations_not_authorities(slug, kind, country):
    organisation = Organisation.objects.get(slug=slug)
    assert organisation.kind == kind
    assert (organisation.country.code if organisation.country else None) == country
    assert not LocalAuthority.objects.filter(slug=slug).exists()


def test_eurocities_founders():
    founders = Membership.objects.filter(network__slug="eurocities", role="Membre fondateur")
    assert set(founders.values_list("authority__slug", flat=True)) == {
        "barcelone",
        "birmingham",
        "francfort-sur-le-main",
        "lyon",
        "milan",
        "rotterdam",
    }
    assert {m.since for m in founders} == {datetime.date(1986, 1, 1)}
    assert {m.authority.country.code for m in founders.select_related("authority__country")} == {
        "ES",
        "GB",
        "DE",
        "FR",
        "IT",
        "NL",
    }


def test_named_members_of_the_smaller_networks():
    assert member_slugs("eccar") == {"toulouse", "bologne"}
    assert Membership.objects.get(network__slug="eccar", authority__slug="bologne").role == "Présidence"
    assert member_slugs("xarxa-fp") == {"toulouse", "barcelone"}
    assert (
        Membership.objects.get(network__slug="xarxa-fp", authority__slug="barcelone").role == "Coordination"
    )
    assert member_slugs("observatoire-vivre-ensemble") == {
        "toulouse-metropole",
        "casablanca",
        "dusseldorf",
        "montreal",
        "tel-aviv",
        "tunis",
    }
    assert member_slugs("pacte-de-milan") == {
        "toulouse-metropole",
        "bologne",
        "barcelone",
        "chongqing",
        "tunis",
        "saragosse",
        "tel-aviv",
    }
    for slug in ("afccre", "cglu", "cuf", "efus", "luci", "occitanie-cooperation", "ps-eau"):
        assert Membership.objects.filter(network__slug=slug).count() == 1, slug


def test_euroregion_members_over_time():
    rows = {
        m.authority.slug: m
        for m in Membership.objects.filter(network__slug=EUROREGION).select_related("authority")
    }
    assert set(rows) == {
        "catalogne",
        "iles-baleares",
        "aragon",
        "languedoc-roussillon",
        "midi-pyrenees",
        "occitanie",
    }
    assert (rows["aragon"].until, rows["aragon"].until_precision) == (datetime.date(2006, 5, 1), "month")
    for slug in ("languedoc-roussillon", "midi-pyrenees"):
        assert rows[slug].role == "Membre fondateur"
        assert (rows[slug].until, rows[slug].until_precision) == (datetime.date(2016, 1, 1), "year")
    assert (rows["occitanie"].since, rows["occitanie"].until) == (datetime.date(2016, 1, 1), None)
    current = {slug for slug, m in rows.items() if m.until is None}
    assert current == {"catalogne", "iles-baleares", "occitanie"}
    assert all(m.authority.kind == "region" for m in rows.values())


def test_member_coordinates_are_both_or_neither():
    slugs = set(Membership.objects.filter(authority__isnull=False).values_list("authority__slug", flat=True))
    for authority in LocalAuthority.objects.filter(slug__in=slugs):
        assert (authority.latitude is None) == (authority.longitude is None), authority.slug
    santiago = LocalAuthority.objects.get(slug="santiago-du-chili")
    assert santiago.country.code == "CL" and santiago.latitude < 0 and santiago.longitude < 0


# --------------------------------------------------------------------------- Toulouse


@pytest.mark.parametrize(
    "slug, body, year, role",
    [
        ("aeropostale", "toulouse", 2011, "Présidence (fondatrice)"),
        ("aimf", "toulouse", 2017, "Ville associée"),
        ("afccre", "toulouse", 2010, "Membre du Bureau"),
        ("cglu", "toulouse", 2008, None),
        ("cuf", "toulouse", 2008, "Membre du bureau exécutif ; présidence du groupe pays Vietnam"),
        ("cva", "toulouse", 1998, "Présidence en 2017"),
        ("eccar", "toulouse", 2008, "Membre du comité directeur"),
        ("efus", "toulouse", 1993, None),
        ("eurocities", "toulouse", 2002, None),
        ("luci", "toulouse", 2010, None),
        ("occitanie-cooperation", "toulouse-metropole", 2015, None),
        ("ps-eau", "toulouse-metropole", 2017, None),
        ("xarxa-fp", "toulouse", 2000, None),
        ("observatoire-vivre-ensemble", "toulouse-metropole", 2019, None),
        ("pacte-de-milan", "toulouse-metropole", 2018, None),
    ],
)
def test_toulouse_participation(slug, body, year, role):
    membership = home_membership(slug)
    assert membership.authority.slug == body
    assert membership.since.year == year
    if role is not None:
        assert membership.role == role
    assert membership.role
    assert membership.activities.strip()


def test_toulouse_takes_part_in_every_city_network_and_not_in_the_euroregion():
    home = Membership.objects.of_home()
    assert Counter(home.values_list("network__slug", flat=True)) == Counter(CITY_NETWORK_SLUGS)
    assert not home.filter(network__slug=EUROREGION).exists()


def test_toulouse_dates_precision():
    occitanie = home_membership("occitanie-cooperation")
    assert (occitanie.since, occitanie.since_precision) == (datetime.date(2015, 1, 1), "month")
    assert occitanie.since_display == "janvier 2015"
    aimf = home_membership("aimf")
    assert (aimf.since, aimf.since_precision) == (datetime.date(2017, 1, 1), "year")
    assert home_membership("aeropostale").since_precision == "month"


def test_joined_notes():
    assert home_membership("cglu").joined_note == "De fait, par le réseau national Cités Unies France"
    note = home_membership("aimf").joined_note
    assert "unanimité" in note and "mars 2017" in note


@pytest.mark.parametrize(
    "slug, facts",
    [
        (
            "xarxa-fp",
            ["66 mobilités", "23 jeunes accueillis", "43 jeunes envoyés", "13 stagiaires", "35 stagiaires"],
        ),
        (
            "efus",
            [
                "LIAISE 2",
                "2016-2018",
                "PRACTICIES",
                "2017-2020",
                "ECUS",
                "relancé en 2016",
                "Sciences Po Toulouse",
            ],
        ),
        ("eurocities", ["Forum Mobilité", "2021 et 2022", "Barrier-free City for all", "Roms"]),
        ("luci", ["City under Microscope", "2018", "Éclairage public"]),
        ("eccar", ["AMITIE CODE", "2019", "DILCRAH", "2019-2021", "Bologne"]),
        ("cuf", ["Vietnam", "Sénégal", "Palestine", "Chine", "États-Unis", "Maroc", "Israël"]),
        ("cva", ["2017", "Telespazio France", "REVA", "Centre spatial guyanais"]),
        ("afccre", ["Marseille"]),
        ("ps-eau", ["loi Oudin", "appel à projets"]),
        ("occitanie-cooperation", ["janvier 2015", "Agora"]),
        ("aeropostale", ["Envol des pionniers", "présidence"]),
        ("observatoire-vivre-ensemble", ["Casablanca", "Düsseldorf", "Montréal", "Tel-Aviv", "Tunis"]),
        ("pacte-de-milan", ["Projet agricole et alimentaire métropolitain"]),
    ],
)
def test_what_toulouse_does_keeps_the_seed_facts(slug, facts):
    activities = home_membership(slug).activities
    for fact in facts:
        assert fact in activities, fact


# --------------------------------------------------------------------------- queries


def test_networks_shared_by_toulouse_and_bologne():
    toulouse = LocalAuthority.objects.get(slug="toulouse")
    bologne = LocalAuthority.objects.get(slug="bologne")
    shared = Network.objects.shared_by(toulouse, bologne)
    assert set(shared.values_list("slug", flat=True)) == {"eccar", "pacte-de-milan"}


def test_networks_shared_by_toulouse_and_casablanca():
    toulouse = LocalAuthority.objects.get(slug="toulouse")
    casablanca = LocalAuthority.objects.get(slug="casablanca")
    shared = set(Network.objects.shared_by(toulouse, casablanca).values_list("slug", flat=True))
    assert {"aeropostale", "observatoire-vivre-ensemble"} <= shared
    assert set(casablanca.memberships.values_list("network__slug", flat=True)) == {
        "aeropostale",
        "observatoire-vivre-ensemble",
    }


def test_search_is_accent_insensitive():
    assert "luci" in set(Network.objects.search("eclairage").values_list("slug", flat=True))
    assert "luci" in set(Network.objects.search("éclairage").values_list("slug", flat=True))


def test_search_finds_urban_security():
    assert "efus" in set(Network.objects.search("sécurité urbaine").values_list("slug", flat=True))
    assert "efus" in set(Network.objects.search("securite urbaine").values_list("slug", flat=True))


def test_search_by_acronym_and_name():
    assert list(Network.objects.search("Eurocities").values_list("slug", flat=True)) == ["eurocities"]
    assert "cva" in set(Network.objects.search("Ariane").values_list("slug", flat=True))


# --------------------------------------------------------------------------- loading


def test_loading_the_catalogue_again_changes_nothing():
    models = (Network, Objective, KeyDate, Membership, LocalAuthority, Organisation)

    def counts():
        return {model.__name__: model.objects.count() for model in models} | {
            "themes": Network.themes.through.objects.count()
        }

    before = counts()
    call_command("load_catalogue", verbosity=0)
    assert counts() == before
    assert home_membership("aimf").role == "Ville associée"
