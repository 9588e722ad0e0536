import pytest

from tests.pages import visible_text

pytestmark = pytest.mark.django_db


# /partenariats/ ---------------------------------------------------------------------------


def test_it_lists_every_partnership_of_the_catalogue(client):
    response = client.get("/partenariats/?collectivite=toulouse")
    assert response.status_code == 200
    text = visible_text(response)
    assert "13 partenariats" in text
    for name in ["Atlanta", "Bologne", "Hanoï", "Ramallah", "Saint-Louis", "Saragosse"]:
        assert name in text


def test_it_filters_by_kind(client):
    text = visible_text(client.get("/partenariats/?collectivite=toulouse&type=jumelage"))
    assert "6 partenariats" in text
    assert "Atlanta" in text and "Kiev" in text
    assert "Casablanca" not in text


def test_it_filters_by_continent_and_country(client):
    text = visible_text(client.get("/partenariats/?continent=afrique"))
    assert "Casablanca" in text and "Saint-Louis" in text
    assert "Bologne" not in text
    text = visible_text(client.get("/partenariats/?pays=ES"))
    assert "3 partenariats" in text  # Barcelone, Elche, Saragosse
    assert "Düsseldorf" not in text


def test_it_filters_by_start_year_range(client):
    text = visible_text(client.get("/partenariats/?depuis_min=1990&depuis_max=2005&collectivite=toulouse"))
    # Hanoï 1996, Saragosse 2000, Düsseldorf 2003, Saint-Louis 2003.
    assert "Hanoï" in text and "Saragosse" in text and "Düsseldorf" in text
    assert "Kiev" not in text and "Tel-Aviv" not in text and "Ramallah" not in text


def test_it_filters_by_axis_and_field(client):
    text = visible_text(client.get("/partenariats/?axe=transition-ecologique"))
    assert "Hanoï" in text
    text = visible_text(client.get("/partenariats/?champ=cooperation-decentralisee&collectivite=toulouse"))
    assert "13 partenariats" in text


def test_it_sorts_by_date_with_unknown_dates_last(client):
    text = visible_text(client.get("/partenariats/?collectivite=toulouse&tri=depuis"))
    assert text.index("Tel-Aviv") < text.index("Kiev") < text.index("Hanoï") < text.index("Chongqing")
    text = visible_text(client.get("/partenariats/?collectivite=toulouse&tri=-depuis"))
    assert text.index("Ramallah") < text.index("Hanoï") < text.index("Tel-Aviv") < text.index("Elche")


def test_it_keeps_filters_in_pagination_links(client, partnership_factory, french_authority_factory):
    authority = french_authority_factory()
    partnership_factory.create_batch(25, french_authority=authority)
    response = client.get(f"/partenariats/?collectivite={authority.slug}&type=jumelage")
    assert f"?collectivite={authority.slug}&amp;type=jumelage&amp;page=2" in response.content.decode()
    text = visible_text(client.get(f"/partenariats/?collectivite={authority.slug}&type=jumelage&page=2"))
    assert "25 partenariats" in text and "Page 2 sur 2" in text
    # An empty choice of the filter form filters nothing, and stays out of the links.
    response = client.get(f"/partenariats/?champ=&collectivite={authority.slug}&type=jumelage")
    assert f'href="?collectivite={authority.slug}&amp;type=jumelage&amp;page=2"' in response.content.decode()


def test_it_finds_the_french_authority_by_slug_or_by_name(client):
    assert "13 partenariats" in visible_text(client.get("/partenariats/?collectivite=toulouse"))
    text = visible_text(client.get("/partenariats/?collectivite=basse+NORMANDIE"))
    assert "4 partenariats" in text and "Comté du Hampshire" in text
    text = visible_text(client.get("/partenariats/?collectivite=r%C3%A9gion+basse"))
    assert "4 partenariats" in text


def test_it_says_so_when_nothing_matches(client):
    text = visible_text(client.get("/partenariats/?continent=oceanie"))
    assert "0 partenariat" in text
    assert "Aucun partenariat ne correspond à ces filtres." in text


@pytest.mark.parametrize(
    "query",
    [
        "pays=ZZ",
        "type=amitie",
        "continent=lune",
        "axe=inconnu",
        "depuis_min=abc",
        "depuis_max=99999",
        "tri=hasard",
        "odd=42",
    ],
)
def test_it_refuses_unknown_filter_values_with_a_clear_message(client, query):
    response = client.get(f"/partenariats/?{query}")
    assert response.status_code == 400
    text = visible_text(response)
    assert "Certains filtres n’ont pas été appliqués" in text
    # The rest of the page still works: the catalogue is listed, unfiltered.
    assert "Partenariats" in text and "Bologne" in text


def test_it_lists_with_a_fixed_number_of_queries(
    client, partnership_factory, french_authority_factory, theme_factory, assert_constant_queries
):
    authority, theme = french_authority_factory(), theme_factory()

    def add(size):
        partnership_factory.create_batch(size, french_authority=authority, themes=[theme])

    add(2)
    # Filter choices (country, axis, field, SDG), the authority by slug, count, page ids,
    # page rows, themes of the page.
    assert_constant_queries(
        lambda: client.get(f"/partenariats/?collectivite={authority.slug}&tri=-depuis"), lambda: add(28), 9
    )


# /partenariats/<slug>/ --------------------------------------------------------------------


def test_it_shows_a_partnership_with_its_shared_networks(client):
    response = client.get("/partenariats/toulouse-bologne/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Toulouse – Bologne" in text
    assert "Jumelage" in text and "1981" in text and "Italie" in text
    shared = text.split("Réseaux en commun")[1]
    assert "ECCAR" in shared and "Pacte de Milan" in shared
    assert "Aéropostale" not in shared


def test_it_computes_shared_networks_from_memberships(client):
    shared = visible_text(client.get("/partenariats/toulouse-casablanca/")).split("Réseaux en commun")[1]
    assert "Aéropostale" in shared and "vivre ensemble" in shared


def test_it_shows_uncertain_dates_as_such(client):
    text = visible_text(client.get("/partenariats/toulouse-chongqing/"))
    assert "date inconnue" in text and "1982" in text


def test_it_shows_a_partnership_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # 8 for the partnership and its networks, 4 for its evaluation (actions, assessments,
    # axes, scores) and its reviews; test_evaluation.py checks it stays fixed with data.
    with django_assert_max_num_queries(12):
        client.get("/partenariats/toulouse-barcelone/")


def test_it_answers_404_for_an_unknown_partnership(client):
    response = client.get("/partenariats/toulouse-atlantide/")
    assert response.status_code == 404
    assert "Page introuvable" in visible_text(response)


# /collectivites/<slug>/ -------------------------------------------------------------------


def test_it_shows_an_authority_with_its_partnerships_and_networks(client):
    text = visible_text(client.get("/collectivites/barcelone/"))
    assert "Barcelone" in text and "Espagne" in text
    assert "Toulouse – Barcelone" in text
    networks = text.split("Réseaux de villes")[-1]
    assert "Eurocities" in networks and "Xarxa FP" in networks


def test_it_shows_the_home_city_with_its_grouping(client):
    text = visible_text(client.get("/collectivites/toulouse/"))
    assert "Toulouse Métropole" in text
    assert "Toulouse – Atlanta" in text and "Toulouse – Hanoï" in text


def test_it_shows_an_authority_with_a_fixed_number_of_queries(
    client, french_authority_factory, partnership_factory, membership_factory, assert_constant_queries
):
    authority = french_authority_factory()

    def add(size):
        partnership_factory.create_batch(size, french_authority=authority)
        membership_factory.create_batch(size, authority=authority)

    add(2)
    assert_constant_queries(
        lambda: client.get(f"/collectivites/{authority.slug}/"), lambda: add(28), at_most=8
    )


def test_it_shows_an_organisation_member_of_networks(client):
    text = visible_text(client.get("/organisations/cnes/"))
    assert "CNES" in text and "Communauté des Villes Ariane" in text
