"""The directory of actors (/acteurs/) and the organisation pages it links to."""

import pytest

from cooperation.models import ActionField, ActivityType, Organisation
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(organisation_factory):
    """An actor of the directory, with every criterion filled."""

    def make(**kwargs):
        kwargs.setdefault("in_directory", True)
        return organisation_factory(**kwargs)

    return make


# /acteurs/ --------------------------------------------------------------------------------


def test_it_lists_the_actors_of_the_catalogue_and_only_those(client):
    response = client.get("/acteurs/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "5 acteurs" in text
    for name in [
        "Occitanie Coopération",
        "Programme Solidarité Eau",
        "Cités Unies France",
        "Horizons Solidaires",
    ]:
        assert name in text
    assert "Centre national d’études spatiales" not in text  # a network member, not in the directory


def test_it_finds_an_actor_by_name_or_acronym_whatever_the_accents(client):
    text = visible_text(client.get("/acteurs/?q=occitanie+cooperation"))
    assert "1 acteur" in text and "Occitanie Coopération" in text
    text = visible_text(client.get("/acteurs/?q=ps-eau"))
    assert "1 acteur" in text and "Programme Solidarité Eau" in text
    text = visible_text(client.get("/acteurs/?q=citim"))
    assert "Coordination Information Tiers-Monde" in text


def test_it_filters_by_city_or_department(client, actor):
    actor(name="Association d’essai caennaise", city="Caen", department="Calvados (14)")
    text = visible_text(client.get("/acteurs/?lieu=ramonville"))
    assert "1 acteur" in text and "Occitanie Coopération" in text
    text = visible_text(client.get("/acteurs/?lieu=haute-garonne"))
    assert "Occitanie Coopération" in text and "caennaise" not in text
    text = visible_text(client.get("/acteurs/?lieu=calvados"))
    assert "1 acteur" in text and "caennaise" in text


def test_it_filters_by_country_of_intervention(client, actor, country_factory):
    country = country_factory()
    present = actor(name="Association d’essai présente")
    present.intervention_countries.add(country)
    actor(name="Association d’essai absente")
    response = client.get(f"/acteurs/?pays={country.code}")
    text = visible_text(response)
    assert "1 acteur" in text and "présente" in text and "absente" not in text


def test_it_filters_by_field_of_intervention(client):
    text = visible_text(client.get("/acteurs/?champ=reseaux-de-villes"))
    assert "1 acteur" in text and "Cités Unies France" in text
    text = visible_text(client.get("/acteurs/?champ=cooperation-decentralisee"))
    assert "Occitanie Coopération" in text and "CITIM" not in text


def test_it_filters_by_type_of_activity(client):
    text = visible_text(client.get("/acteurs/?activite=education-citoyennete-mondiale"))
    assert "1 acteur" in text and "Occitanie Coopération" in text
    text = visible_text(client.get("/acteurs/?activite=information-documentation"))
    assert "3 acteurs" in text and "Horizons Solidaires" not in text


def test_it_says_so_when_no_actor_matches(client):
    text = visible_text(client.get("/acteurs/?q=introuvable"))
    assert "0 acteur" in text
    assert "Aucun acteur ne correspond à ces filtres." in text


@pytest.mark.parametrize("query", ["pays=ZZ", "champ=inconnu", "activite=inconnue"])
def test_it_refuses_unknown_filter_values_with_a_clear_message(client, query):
    response = client.get(f"/acteurs/?{query}")
    assert response.status_code == 400
    text = visible_text(response)
    assert "Certains filtres n’ont pas été appliqués" in text
    assert "Occitanie Coopération" in text  # the directory is still listed, unfiltered


def test_it_lists_with_a_fixed_number_of_queries(client, actor, assert_constant_queries):
    field, activity = ActionField.objects.first(), ActivityType.objects.first()

    def add(start, stop):
        for n in range(start, stop):
            organisation = actor(name=f"Acteur d’essai {n}", city="Ville-d-essai")
            organisation.action_fields.add(field)
            organisation.activities.add(activity)

    add(0, 2)
    # Filter choices (country, field, activity), count, page ids, page rows, fields, activities.
    assert_constant_queries(lambda: client.get("/acteurs/?lieu=ville-d-essai"), lambda: add(2, 30), at_most=9)


def test_it_keeps_filters_in_pagination_links(client, actor):
    for n in range(25):
        actor(name=f"Acteur d’essai paginé {n}", city="Paginéville")
    response = client.get("/acteurs/?lieu=pagineville")
    assert "?lieu=pagineville&amp;page=2" in response.content.decode()
    assert "25 acteurs" in visible_text(client.get("/acteurs/?lieu=pagineville&page=2"))


# /organisations/<slug>/ -------------------------------------------------------------------


def test_occitanie_cooperation_has_the_contacts_of_its_site(client):
    organisation = Organisation.objects.get(slug="occitanie-cooperation")
    assert organisation.phone == "05 32 26 26 73"
    assert organisation.email == "equipe@oc-cooperation.org"
    text = visible_text(client.get("/organisations/occitanie-cooperation/"))
    assert "05 32 26 26 73" in text and "equipe@oc-cooperation.org" in text
    assert "31520 Ramonville" in text and "34070 Montpellier" in text
    assert "Haute-Garonne (31)" in text
    for mission in [
        "Observatoire",
        "Appui aux porteurs de projets",
        "Éducation à la citoyenneté mondiale",
        "Appui et relais des politiques publiques",
    ]:
        assert mission in text
    assert "Soutien aux acteurs de solidarité internationale" in text


def test_an_actor_links_to_its_criteria_partnerships_and_networks(
    client, actor, country_factory, partnership_factory, network_factory, membership_factory
):
    organisation = actor(name="Association d’essai liée", city="Caen", website="https://exemple.org/")
    country, partnership, network = country_factory(), partnership_factory(), network_factory()
    organisation.intervention_countries.add(country)
    organisation.partnerships.add(partnership)
    membership_factory(network=network, authority=None, organisation=organisation)
    response = client.get(organisation.get_absolute_url())
    html = response.content.decode()
    assert f'href="/acteurs/?pays={country.code}"' in html
    assert f'href="{partnership.get_absolute_url()}"' in html
    assert f'href="{network.get_absolute_url()}"' in html
    assert 'href="https://exemple.org/"' in html
    text = visible_text(response)
    assert "Caen" in text and country.name in text and "Partenariats" in text


def test_a_network_member_outside_the_directory_shows_no_empty_sections(client):
    text = visible_text(client.get("/organisations/cnes/"))
    assert "Contact" not in text and "Pays d’intervention" not in text
    assert "Partenariats" not in text.split("Centre national d’études spatiales", 2)[-1]


def test_the_directory_is_in_english_too(client):
    text = visible_text(client.get("/en/acteurs/"))
    assert "Directory of actors" in text and "5 actors" in text
