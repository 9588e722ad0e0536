"""Each endpoint of /api/: what it shows of the real catalogue, and its fixed number of queries."""

import datetime
import json

import pytest

from cooperation.models import ActionField, Partnership
from networks.models import Network
from proposals.models import Proposal, ProposalStatus, Topic

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(data):
    return [row["slug"] for row in data["results"]]


# /api/partenariats/ -----------------------------------------------------------------------


def test_it_lists_toulouse_partnerships(client):
    data = get(client, "/api/partenariats/?collectivite=toulouse&page_size=100")
    assert data["count"] == 13
    assert {"toulouse-atlanta", "toulouse-bologne", "toulouse-hanoi", "toulouse-ramallah"} <= set(slugs(data))
    twinnings = get(client, "/api/partenariats/?collectivite=toulouse&type=jumelage")
    assert twinnings["count"] == 6


def test_it_shows_a_partnership_with_both_authorities_and_its_sources(client):
    data = get(client, "/api/partenariats/toulouse-bologne/")
    assert data["kind"] == "jumelage" and data["kind_label"] == "Jumelage"
    assert data["status"] == "actif"
    assert (data["since"], data["since_precision"], data["since_display"]) == ("1981-01-01", "year", "1981")
    assert data["french_authority"]["slug"] == "toulouse"
    partner = data["partner"]
    assert partner["name"] == "Bologne" and partner["country"]["code"] == "IT"
    assert partner["latitude"] == pytest.approx(44.4939) and partner["longitude"] == pytest.approx(11.3428)
    assert partner["url"] == "http://testserver/api/collectivites/bologne/"
    assert data["html_url"] == "http://testserver/partenariats/toulouse-bologne/"
    assert {"slug": "cooperation-decentralisee", "name": "Coopération décentralisée"} in data["action_fields"]
    assert data["sources"] and data["sources"][0]["url"].startswith("https://")
    assert data["themes"] == [] and data["sdgs"] == [] and data["milestones"] == []


def test_a_partnership_has_its_axes_sdgs_and_milestones(client):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    data = get(client, "/api/partenariats/toulouse-hanoi/")
    assert [theme["slug"] for theme in data["themes"]] == [theme.slug for theme in hanoi.themes.all()]
    assert [sdg["number"] for sdg in data["sdgs"]] == [sdg.number for sdg in hanoi.sdgs.all()]
    assert len(data["milestones"]) == hanoi.milestones.count()


def test_partnerships_list_with_a_fixed_number_of_queries(
    client, partnership_factory, french_authority_factory, theme_factory, assert_constant_queries
):
    authority, theme = french_authority_factory(), theme_factory()

    def add(size):
        partnership_factory.create_batch(size, french_authority=authority, themes=[theme])

    add(2)
    # The authority by slug, count, page ids, page rows, then axes, fields, SDGs, sources
    # and milestones of the page.
    assert_constant_queries(
        lambda: client.get(f"/api/partenariats/?collectivite={authority.slug}&page_size=100"),
        lambda: add(28),
        9,
    )


def test_a_partnership_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    # The partnership with both authorities, then axes, fields, SDGs, sources, milestones.
    with django_assert_num_queries(6):
        client.get("/api/partenariats/toulouse-hanoi/")


# /api/collectivites/ ----------------------------------------------------------------------


def test_it_shows_an_authority_with_its_grouping_and_partnership_count(client):
    data = get(client, "/api/collectivites/toulouse/")
    assert data["name"] == "Toulouse" and data["kind"] == "commune" and data["kind_label"] == "Ville"
    assert data["parent"]["slug"] == "toulouse-metropole"
    assert data["country"] == {"code": "FR", "name": "France", "name_en": "France", "continent": "europe"}
    assert data["partnership_count"] == Partnership.objects.filter(french_authority__slug="toulouse").count()
    assert data["html_url"] == "http://testserver/collectivites/toulouse/"


def test_it_lists_authorities_by_country_kind_or_name(client):
    data = get(client, "/api/collectivites/?pays=IT&page_size=100")
    assert "bologne" in slugs(data) and all(row["country"]["code"] == "IT" for row in data["results"])
    data = get(client, "/api/collectivites/?q=TOULOUSE")
    assert set(slugs(data)) == {"toulouse", "toulouse-metropole"}
    data = get(client, "/api/collectivites/?q=toulouse&type=metropole")
    assert slugs(data) == ["toulouse-metropole"]


def test_authorities_list_with_a_fixed_number_of_queries(
    client, local_authority_factory, country_factory, partnership_factory, assert_constant_queries
):
    country = country_factory()
    local_authority_factory.create_batch(2, country=country)

    def add():
        for authority in local_authority_factory.create_batch(28, country=country):
            partnership_factory(partner=authority)

    # The country by code, count, page ids, page rows (with their partnership counts).
    assert_constant_queries(
        lambda: client.get(f"/api/collectivites/?pays={country.code}&page_size=100"), add, 4
    )


# /api/organisations/ ----------------------------------------------------------------------


def test_it_shows_an_organisation_with_its_public_contacts(client):
    data = get(client, "/api/organisations/cnes/")
    assert data["acronym"] == "CNES" and data["kind"] == "agence" and data["in_directory"] is False
    directory = get(client, "/api/organisations/?annuaire=oui&page_size=100")
    assert directory["count"] == 5
    actor = directory["results"][0]
    for field in ["city", "department", "offices", "phone", "email", "website", "intervention_countries"]:
        assert field in actor
    assert "cnes" not in slugs(directory)


def test_organisations_list_with_a_fixed_number_of_queries(
    client, organisation_factory, country_factory, assert_constant_queries
):
    field = ActionField.objects.create(name="Champ d’essai", slug="champ-d-essai")

    def add(size):
        for organisation in organisation_factory.create_batch(size, in_directory=True):
            organisation.action_fields.add(field)
            organisation.intervention_countries.add(country_factory())

    add(2)
    # The field by slug, count, page ids, page rows, then countries of intervention,
    # fields, activities and partnerships of the page.
    assert_constant_queries(
        lambda: client.get(f"/api/organisations/?champ={field.slug}&page_size=100"), lambda: add(28), 8
    )


# /api/reseaux/ and /api/adhesions/ --------------------------------------------------------


def test_it_lists_the_fifteen_city_networks(client):
    data = get(client, "/api/reseaux/?type=reseau-de-villes&page_size=100")
    assert data["count"] == 15 == Network.objects.city_networks().count()
    assert {"aeropostale", "eccar", "eurocities"} <= set(slugs(data))


def test_it_shows_a_network_with_objectives_key_dates_and_the_city_participation(client):
    data = get(client, "/api/reseaux/eccar/")
    assert data["acronym"] == "ECCAR" and data["scope"] == "europeen" and data["founded_display"] == "2004"
    assert data["objectives"] and isinstance(data["objectives"][0], str)
    assert ("2008-01-01", "year") in {(d["date"], d["date_precision"]) for d in data["key_dates"]}
    (home,) = data["home_memberships"]
    assert home["authority"]["slug"] == "toulouse" and home["role"] == "Membre du comité directeur"
    assert data["members_url"] == "http://testserver/api/adhesions/?reseau=eccar"


def test_it_lists_the_members_of_a_network(client):
    data = get(client, "/api/adhesions/?reseau=aeropostale&page_size=100")
    assert data["count"] == 28 == get(client, "/api/reseaux/aeropostale/")["member_count"]
    assert all(row["network"]["slug"] == "aeropostale" for row in data["results"])
    assert all((row["authority"] is None) != (row["organisation"] is None) for row in data["results"])


def test_it_lists_the_networks_of_a_member(client):
    data = get(client, "/api/adhesions/?collectivite=toulouse&page_size=100")
    assert "eccar" in {row["network"]["slug"] for row in data["results"]}
    data = get(client, "/api/adhesions/?organisation=cnes")
    assert data["count"] >= 1 and data["results"][0]["organisation"]["acronym"] == "CNES"


def test_networks_list_with_a_fixed_number_of_queries(
    client, network_factory, theme_factory, objective_factory, key_date_factory, assert_constant_queries
):
    theme = theme_factory()

    def add():
        for network in network_factory.create_batch(30, scope="national", themes=[theme]):
            objective_factory(network=network)
            key_date_factory(network=network)

    # The catalogue's few national networks, then 30 more.
    # Count, page ids, page rows (with member counts and headquarters), then axes,
    # objectives, key dates and the city's memberships of the page.
    assert_constant_queries(lambda: client.get("/api/reseaux/?echelle=national&page_size=100"), add, 7)


def test_memberships_list_with_a_fixed_number_of_queries(
    client, network_factory, membership_factory, organisation_factory, assert_constant_queries
):
    network = network_factory()
    membership_factory.create_batch(2, network=network)

    def add():
        membership_factory.create_batch(13, network=network)
        for organisation in organisation_factory.create_batch(15):
            membership_factory(network=network, authority=None, organisation=organisation)

    # The network by slug, count, page ids, page rows with networks, members and countries.
    assert_constant_queries(
        lambda: client.get(f"/api/adhesions/?reseau={network.slug}&page_size=100"), add, 4
    )


# /api/preconisations/ ---------------------------------------------------------------------


def test_it_lists_the_visible_proposals_with_their_totals(client):
    hidden = Proposal.objects.create(
        topic=Topic.objects.get(is_home=True), title="Masquée", slug="masquee", body="…", is_hidden=True
    )
    data = get(client, "/api/preconisations/?page_size=100")
    assert data["count"] == Proposal.objects.visible().count() >= 10
    assert hidden.slug not in slugs(data)
    assert client.get(f"/api/preconisations/{hidden.slug}/").status_code == 404
    official = Proposal.objects.visible().filter(is_official=True).order_by("pk").first()
    detail = get(client, f"/api/preconisations/{official.slug}/")
    assert detail["is_official"] is True and detail["topic"]["slug"] == official.topic.slug
    assert (detail["votes_for"], detail["votes_against"], detail["comment_count"]) == (
        official.votes_for,
        official.votes_against,
        official.comment_count,
    )
    assert detail["status"] == official.status and detail["status_label"]
    assert {tag["slug"] for tag in detail["tags"]} == {tag.slug for tag in official.tags.all()}


def test_proposals_list_with_a_fixed_number_of_queries(client, assert_constant_queries):
    topic = Topic.objects.get(is_home=True)

    def add(start, stop):
        for number in range(start, stop):
            proposal = Proposal.objects.create(
                topic=topic,
                title=f"P {number}",
                slug=f"p-{number}",
                body="…",
                status=ProposalStatus.UNDER_STUDY,
            )
            proposal.tags.add(f"étiquette {number}")

    add(0, 2)
    # Count, page ids, page rows with their topic, then étiquettes and axes of the page.
    assert_constant_queries(
        lambda: client.get("/api/preconisations/?statut=en-etude&page_size=100"), lambda: add(2, 30), 5
    )


def test_a_detail_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for url, queries in [
        ("/api/collectivites/toulouse/", 1),
        ("/api/organisations/cnes/", 5),
        ("/api/reseaux/eccar/", 5),
        (f"/api/preconisations/{Proposal.objects.visible().first().slug}/", 3),
    ]:
        with django_assert_max_num_queries(queries):
            assert client.get(url).status_code == 200


def test_dates_are_iso_and_precision_is_given(client):
    data = get(client, "/api/partenariats/?collectivite=toulouse&tri=depuis&page_size=100")
    dated = [row for row in data["results"] if row["since"]]
    assert all(datetime.date.fromisoformat(row["since"]) for row in dated)
    assert all(row["since_precision"] in {"year", "month", "day"} for row in dated)
    # Unknown dates last, as on the page (Chongqing's is uncertain).
    assert data["results"][-1]["since"] is None


# /api/evaluations/ ------------------------------------------------------------------------


def _evaluate(partnership, user, score):
    from cooperation.models import Theme
    from evaluation.figures import MINIMUM_REVIEWERS, refresh_summaries
    from evaluation.models import PartnershipAction, PartnershipAssessment
    from evaluation.services import review_save
    from tests.factories import UserFactory, verify

    action = PartnershipAction.objects.create(partnership=partnership, title="Mission", year=2023, budget=500)
    action.themes.set(Theme.objects.all()[:2])
    PartnershipAssessment.objects.create(
        partnership=partnership,
        year=2023,
        published_on=datetime.date(2024, 2, 1),
        achievements="Fait.",
        cost=700,
    )
    refresh_summaries([partnership.pk])
    # `user` and as many others as a published average needs (MINIMUM_REVIEWERS).
    others = [UserFactory() for _n in range(MINIMUM_REVIEWERS - 1)]
    for author in [user, *others]:
        review_save(
            author=verify(author), partnership=partnership, scores={Theme.objects.first(): score}, comment=""
        )


def test_it_shows_a_partnerships_evaluation_with_summed_scores_only(client, user_factory):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    _evaluate(hanoi, user_factory(username="noteuse-api"), 4)
    data = get(client, "/api/evaluations/toulouse-hanoi/")
    assert data["partnership"] == "http://testserver/api/partenariats/toulouse-hanoi/"
    assert (data["last_assessed_year"], data["action_count"], data["spending"]) == (2023, 1, 700)
    assert (data["rating_average"], data["reviewer_count"]) == (4.0, 5)
    assert data["assessments"][0]["achievements"] == "Fait."
    assert data["actions"][0]["title"] == "Mission" and len(data["actions"][0]["themes"]) == 2
    assert "noteuse-api" not in json.dumps(data)


def test_it_sorts_and_filters_evaluations_like_the_page(client, user_factory):
    _evaluate(Partnership.objects.get(slug="toulouse-hanoi"), user_factory(), 2)
    _evaluate(Partnership.objects.get(slug="toulouse-kiev"), user_factory(), 5)
    assert slugs(get(client, "/api/evaluations/?tri=-note"))[:2] == ["toulouse-kiev", "toulouse-hanoi"]
    data = get(client, "/api/evaluations/?evaluation=publiee&type=jumelage")
    assert slugs(data) == ["toulouse-kiev"]
    response = client.get("/api/evaluations/?evaluation=peut-etre")
    assert response.status_code == 400
    assert "evaluation" in response.json()["errors"]


def test_evaluations_list_with_a_fixed_number_of_queries(
    client, partnership_factory, user_factory, assert_constant_queries
):
    _evaluate(Partnership.objects.get(slug="toulouse-hanoi"), user_factory(), 3)

    def grow():
        for partnership in partnership_factory.create_batch(30):
            _evaluate(partnership, user_factory(), 3)

    # Count, page ids, page rows with their authorities; assessments with their sources;
    # actions with their axes, SDGs, organisations and sources.
    assert_constant_queries(lambda: client.get("/api/evaluations/?page_size=100"), grow, 10)
