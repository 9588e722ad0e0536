"""The admin, through HTTP: who gets in, every changelist and change form, constant
queries on the long lists, and French messages for refused input that write nothing."""

import datetime

import pytest
from django.urls import reverse

from cooperation.models import LocalAuthority, Partnership, PartnershipKind
from networks.models import Membership
from tests.factories import (
    CountryFactory,
    FrenchAuthorityFactory,
    KeyDateFactory,
    LocalAuthorityFactory,
    MembershipFactory,
    NetworkFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


CHANGELISTS = [
    "cooperation_country",
    "cooperation_localauthority",
    "cooperation_organisation",
    "cooperation_theme",
    "cooperation_sustainabledevelopmentgoal",
    "cooperation_actionfield",
    "cooperation_source",
    "cooperation_activitytype",
    "cooperation_partnership",
    "networks_network",
    "networks_membership",
    "proposals_topic",
]


def changelist(name):
    return reverse(f"admin:{name}_changelist")


def inline_management_data(response):
    """Empty management forms for every inline of an admin add/change page."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


# Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/", changelist("cooperation_partnership")], ids=["index", "changelist"]
)
def test_it_redirects_anonymous_visitors_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url", ["/admin/", changelist("cooperation_partnership")], ids=["index", "changelist"]
)
def test_it_refuses_users_without_staff_status(citizen_client, url):
    response = citizen_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_refuses_a_post_from_a_user_without_staff_status(citizen_client):
    french, partner = FrenchAuthorityFactory(), LocalAuthorityFactory()
    before = Partnership.objects.count()

    response = citizen_client.post(
        reverse("admin:cooperation_partnership_add"),
        {
            "french_authority": french.pk,
            "partner": partner.pk,
            "kind": PartnershipKind.TWINNING,
            "status": "actif",
        },
    )

    assert response.status_code == 302
    assert Partnership.objects.count() == before


def test_it_shows_the_index_to_staff(staff_client):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert "Catalogue et participation" in response.content.decode()


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_shows_every_changelist_to_staff(staff_client, name):
    PartnershipFactory()
    MembershipFactory()

    response = staff_client.get(changelist(name))

    assert response.status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_searches_every_changelist(staff_client, name):
    response = staff_client.get(changelist(name), {"q": "essai"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "name, params",
    [
        ("cooperation_localauthority", {"kind": "commune", "country__continent": "europe"}),
        (
            "cooperation_partnership",
            {"kind": "jumelage", "status": "actif", "partner__country__continent": "asie"},
        ),
        ("networks_network", {"scope": "europeen"}),
        ("networks_membership", {"membre": "organisation", "continent": "afrique"}),
    ],
)
def test_it_filters_changelists(staff_client, name, params):
    response = staff_client.get(changelist(name), params)

    assert response.status_code == 200
    assert "errornote" not in response.content.decode()


def test_it_shows_the_change_form_of_each_kind_of_object(staff_client):
    partnership = PartnershipFactory(themes=[ThemeFactory()])
    network = NetworkFactory()
    ObjectiveFactory(network=network)
    KeyDateFactory(network=network)
    MembershipFactory(network=network, authority=partnership.partner)
    organisation_membership = MembershipFactory(
        network=network, authority=None, organisation=OrganisationFactory()
    )
    objects = [
        partnership,
        partnership.partner,
        partnership.french_authority,
        partnership.partner.country,
        partnership.themes.get(),
        network,
        organisation_membership,
        organisation_membership.organisation,
    ]

    for obj in objects:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_it_lists_an_authority_s_partnerships_and_memberships_on_its_page(staff_client):
    authority = FrenchAuthorityFactory(name="Commune aux deux côtés")
    as_french = PartnershipFactory(
        french_authority=authority, partner=LocalAuthorityFactory(name="Partenaire A")
    )
    as_partner = PartnershipFactory(
        french_authority=FrenchAuthorityFactory(name="Côté français B"), partner=authority
    )
    MembershipFactory(authority=authority, network=NetworkFactory(name="Réseau de la commune"))

    response = staff_client.get(reverse("admin:cooperation_localauthority_change", args=[authority.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert str(as_french) in content
    assert str(as_partner) in content
    assert "Réseau de la commune" in content
    prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
    assert prefixes == {"partnerships_as_french", "partnerships_as_partner", "memberships"}


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_shows_the_change_form_of_a_real_catalogue_object(staff_client, name):
    """The first row of each changelist, from the real catalogue fixtures."""
    rows = staff_client.get(changelist(name)).context["cl"].result_list
    if not rows:
        pytest.skip(f"the catalogue fixtures hold no {name} yet")

    response = staff_client.get(reverse(f"admin:{name}_change", args=[rows[0].pk]))

    assert response.status_code == 200


def test_it_creates_an_authority_with_a_partnership_from_its_page(staff_client):
    partner = LocalAuthorityFactory()
    country = CountryFactory(code="FR", name="France")
    url = reverse("admin:cooperation_localauthority_add")
    data = inline_management_data(staff_client.get(url))
    data |= {"name": "Commune nouvelle", "slug": "commune-nouvelle", "kind": "commune", "country": country.pk}
    data |= {
        "partnerships_as_french-TOTAL_FORMS": "1",
        "partnerships_as_french-0-partner": partner.pk,
        "partnerships_as_french-0-kind": PartnershipKind.TWINNING,
        "partnerships_as_french-0-status": "actif",
        "partnerships_as_french-0-slug": "",
        "partnerships_as_french-0-since": "1998-01-01",
        "partnerships_as_french-0-since_precision": "year",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    partnership = Partnership.objects.get(french_authority__slug="commune-nouvelle")
    assert partnership.partner == partner
    assert partnership.slug == f"commune-nouvelle-{partner.slug}"


def test_it_keeps_the_network_search_vector_out_of_the_form(staff_client):
    network = NetworkFactory()

    response = staff_client.get(reverse("admin:networks_network_change", args=[network.pk]))

    assert response.status_code == 200
    assert "search" not in response.context["adminform"].form.fields


# Constant queries ------------------------------------------------------------------------

# Every changelist request: session, user, the staff user's authenticator app
# (archipel.mfa), the staff user's permissions (user, group), then one query per related
# list filter's choices, the count of rows (twice for the "n of m" line), and one query
# for the page of rows with its select_related joins.
# Partnership: 5 + 4 filters (country, themes, action fields, SDGs) + 2 counts + 1 page.
CHANGELIST_QUERIES = {
    "cooperation_partnership": 12,
    "networks_membership": 9,  # 5 + network filter + 2 counts + page
    "cooperation_localauthority": 9,  # 5 + country filter + 2 counts + page (annotated count)
    "networks_network": 9,  # 5 + themes filter + 2 counts + page (annotated member count)
}


def _make_rows(name, count):
    if name == "cooperation_partnership":
        theme = ThemeFactory()
        PartnershipFactory.create_batch(count, themes=[theme])
    elif name == "networks_membership":
        network = NetworkFactory()
        MembershipFactory.create_batch(count - count // 2, network=network)
        for _ in range(count // 2):
            MembershipFactory(network=network, authority=None, organisation=OrganisationFactory())
    elif name == "cooperation_localauthority":
        LocalAuthorityFactory.create_batch(count, parent=FrenchAuthorityFactory())
    elif name == "networks_network":
        for network in NetworkFactory.create_batch(count, headquarters=LocalAuthorityFactory()):
            MembershipFactory(network=network)


@pytest.mark.parametrize("name", sorted(CHANGELIST_QUERIES))
def test_it_lists_in_a_fixed_number_of_queries(staff_client, assert_constant_queries, name):
    _make_rows(name, 2)

    response = assert_constant_queries(
        lambda: staff_client.get(changelist(name)), lambda: _make_rows(name, 28), CHANGELIST_QUERIES[name]
    )

    assert len(response.context["cl"].result_list) >= 2


def test_it_shows_at_least_thirty_created_partnerships_in_the_list(staff_client):
    PartnershipFactory.create_batch(30, partner__country__code="QM", partner__country__continent="oceanie")

    response = staff_client.get(
        changelist("cooperation_partnership"), {"partner__country__continent": "oceanie"}
    )

    assert response.context["cl"].result_count >= 30


# Refused input: a French message, nothing written ------------------------------------------


def _post_partnership(client, **fields):
    url = reverse("admin:cooperation_partnership_add")
    data = inline_management_data(client.get(url))
    data |= {"status": "actif", "kind": PartnershipKind.TWINNING, "since": "", "since_precision": ""}
    data |= {key: value for key, value in fields.items()}
    return client.post(url, data)


def test_it_creates_a_partnership_and_derives_its_slug(staff_client):
    french, partner = FrenchAuthorityFactory(), LocalAuthorityFactory()

    response = _post_partnership(
        staff_client,
        french_authority=french.pk,
        partner=partner.pk,
        slug="",
        since="2011-12-01",
        since_precision="month",
    )

    assert response.status_code == 302
    partnership = Partnership.objects.get(french_authority=french, partner=partner)
    assert partnership.slug == f"{french.slug}-{partner.slug}"
    assert partnership.since == datetime.date(2011, 12, 1)


def test_it_refuses_a_partnership_of_an_authority_with_itself(staff_client):
    authority = FrenchAuthorityFactory()
    before = Partnership.objects.count()

    response = _post_partnership(
        staff_client, french_authority=authority.pk, partner=authority.pk, slug="soi-meme"
    )

    assert response.status_code == 200
    assert "Une collectivité ne peut pas être partenaire d’elle-même." in response.content.decode()
    assert Partnership.objects.count() == before


def test_it_refuses_a_second_partnership_of_the_same_pair_and_kind(staff_client):
    existing = PartnershipFactory()
    before = Partnership.objects.count()

    response = _post_partnership(
        staff_client,
        french_authority=existing.french_authority.pk,
        partner=existing.partner.pk,
        kind=existing.kind,
        slug="doublon",
    )

    assert response.status_code == 200
    assert "Ce partenariat existe déjà pour ces deux collectivités." in response.content.decode()
    assert Partnership.objects.count() == before


def test_it_refuses_a_date_whose_precision_does_not_match(staff_client):
    french, partner = FrenchAuthorityFactory(), LocalAuthorityFactory()

    response = _post_partnership(
        staff_client,
        french_authority=french.pk,
        partner=partner.pk,
        slug="mauvaise-date",
        since="2011-12-05",
        since_precision="month",
    )

    assert response.status_code == 200
    assert "Indiquez la précision de la date" in response.content.decode()
    assert not Partnership.objects.filter(slug="mauvaise-date").exists()


def test_it_refuses_a_latitude_out_of_range(staff_client):
    country = CountryFactory()
    url = reverse("admin:cooperation_localauthority_add")
    data = inline_management_data(staff_client.get(url))
    data |= {
        "name": "Ville au-delà du pôle",
        "slug": "ville-au-dela-du-pole",
        "kind": "commune",
        "country": country.pk,
        "latitude": "95",
        "longitude": "10",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est inférieure ou égale à 90." in response.content.decode()
    assert not LocalAuthority.objects.filter(slug="ville-au-dela-du-pole").exists()


def test_it_refuses_a_latitude_without_longitude(staff_client):
    country = CountryFactory()
    url = reverse("admin:cooperation_localauthority_add")
    data = inline_management_data(staff_client.get(url))
    data |= {
        "name": "Ville à moitié placée",
        "slug": "ville-a-moitie",
        "kind": "commune",
        "country": country.pk,
    }
    data |= {"latitude": "43.6", "longitude": ""}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Indiquez la latitude et la longitude, ou aucune des deux." in response.content.decode()
    assert not LocalAuthority.objects.filter(slug="ville-a-moitie").exists()


def test_it_refuses_a_membership_with_two_members(staff_client):
    network, authority, organisation = NetworkFactory(), LocalAuthorityFactory(), OrganisationFactory()
    url = reverse("admin:networks_membership_add")
    data = {
        "network": network.pk,
        "authority": authority.pk,
        "organisation": organisation.pk,
        "since_precision": "",
        "until_precision": "",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Choisissez une collectivité ou une organisation, pas les deux." in response.content.decode()
    assert not Membership.objects.filter(network=network).exists()


def test_it_refuses_a_second_membership_of_the_same_authority(staff_client):
    existing = MembershipFactory()
    url = reverse("admin:networks_membership_add")
    data = {"network": existing.network.pk, "authority": existing.authority.pk}
    data |= {"since_precision": "", "until_precision": ""}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Cette collectivité est déjà membre de ce réseau." in response.content.decode()
    assert Membership.objects.filter(network=existing.network).count() == 1


# Autocomplete ----------------------------------------------------------------------------


def _autocomplete_url():
    return reverse("admin:autocomplete")


AUTHORITY_AUTOCOMPLETE = {
    "app_label": "cooperation",
    "model_name": "partnership",
    "field_name": "partner",
}


def test_it_answers_the_authority_autocomplete_in_json_for_staff(staff_client):
    authority = LocalAuthorityFactory(name="Ville d’essai Zanzibar")

    response = staff_client.get(_autocomplete_url(), AUTHORITY_AUTOCOMPLETE | {"term": "Zanzibar"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == [{"id": str(authority.pk), "text": "Ville d’essai Zanzibar"}]


def test_it_refuses_the_autocomplete_to_anonymous_visitors(client):
    LocalAuthorityFactory(name="Ville d’essai Zanzibar")

    response = client.get(_autocomplete_url(), AUTHORITY_AUTOCOMPLETE | {"term": "Zanzibar"})

    assert response.status_code == 302
    assert "Zanzibar" not in response.content.decode()
