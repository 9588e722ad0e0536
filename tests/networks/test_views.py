import pytest

from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def test_it_lists_the_networks(client):
    response = client.get("/reseaux/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "16 réseaux" in text
    for name in ["Aéropostale", "AIMF", "Eurocities", "LUCI", "Pacte de Milan", "Xarxa FP"]:
        assert name in text


def test_it_filters_city_networks_by_scope(client):
    text = visible_text(client.get("/reseaux/?type=reseau-de-villes"))
    assert "15 réseaux" in text
    text = visible_text(client.get("/reseaux/?echelle=regional"))
    assert "Occitanie Coopération" in text and "Eurocities" not in text


def test_it_searches_accent_insensitively(client):
    text = visible_text(client.get("/reseaux/?q=eclairage"))
    assert "LUCI" in text and "1 réseau" in text
    text = visible_text(client.get("/reseaux/?q=sécurité+urbaine"))
    assert "Forum européen pour la sécurité urbaine" in text or "EFUS" in text
    text = visible_text(client.get("/reseaux/?q=AEROPOSTALE"))
    assert "Aéropostale" in text


def test_it_filters_by_the_year_the_city_joined(client):
    text = visible_text(client.get("/reseaux/?adhesion=2008"))
    # CGLU, CUF and ECCAR were joined in 2008.
    assert "3 réseaux" in text
    assert "ECCAR" in text and "Cités Unies France" in text


def test_it_filters_by_axis(client):
    response = client.get("/reseaux/?axe=transition-ecologique")
    assert response.status_code == 200
    assert "Pacte de Milan" in visible_text(response)


@pytest.mark.parametrize("query", ["echelle=galactique", "adhesion=1850", "axe=nulle", "tri=au-hasard"])
def test_it_refuses_unknown_filter_values_with_a_clear_message(client, query):
    response = client.get(f"/reseaux/?{query}")
    assert response.status_code == 400
    assert "Certains filtres n’ont pas été appliqués" in visible_text(response)


def test_it_says_so_when_nothing_matches(client):
    text = visible_text(client.get("/reseaux/?q=xylophone"))
    assert "0 réseau" in text and "Aucun réseau ne correspond" in text


def test_it_lists_with_a_fixed_number_of_queries(
    client, network_factory, theme_factory, assert_constant_queries
):
    theme = theme_factory()
    # The catalogue's few national networks, then 30 more.
    # Choices of the axis and year filters, count, page ids, page rows, themes, home memberships.
    assert_constant_queries(
        lambda: client.get("/reseaux/?echelle=national"),
        lambda: network_factory.create_batch(30, scope="national", themes=[theme]),
        7,
    )


def test_it_shows_a_whole_network(client):
    response = client.get("/reseaux/aeropostale/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Perpétuer la mémoire de la ligne" in text
    assert "28 membres actifs" in text
    assert "Brésil" in text and "Florianópolis" in text and "Santiago du Chili" in text
    assert "Toulouse dans le réseau" in text
    assert "Avril 2018" in text or "avril 2018" in text


def test_it_groups_members_by_country_with_links(client):
    response = client.get("/reseaux/cva/")
    html = response.content.decode()
    text = visible_text(response)
    assert text.index("Allemagne") < text.index("Augsburg") < text.index("Belgique")
    assert 'href="/organisations/cnes/"' in html
    assert 'href="/collectivites/barcelone/"' in html


def test_it_shows_the_city_role_in_the_network(client):
    text = visible_text(client.get("/reseaux/aimf/"))
    section = text.split("Toulouse dans le réseau")[1]
    assert "2017" in section and "Ville associée" in section


def test_it_shows_a_network_with_a_fixed_number_of_queries(
    client,
    network_factory,
    membership_factory,
    key_date_factory,
    objective_factory,
    assert_constant_queries,
):
    network = network_factory()

    def add(size):
        membership_factory.create_batch(size, network=network)
        key_date_factory.create_batch(size, network=network)
        objective_factory.create_batch(size, network=network)

    add(2)
    assert_constant_queries(lambda: client.get(f"/reseaux/{network.slug}/"), lambda: add(28), at_most=7)


def test_it_answers_404_for_an_unknown_network(client):
    assert client.get("/reseaux/inconnu/").status_code == 404
