"""A network's public history (/reseaux/<slug>/historique/): its own changes and those of
its memberships and key dates, deleted ones included, with the role and never a name;
and each row's last change in the open data (`modifie_le`)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import LocalAuthority
from core.history import HistoryRole, acting_as
from networks.models import KeyDate, Membership
from tests.archipel.test_html import assert_valid
from tests.factories import KeyDateFactory, LocalAuthorityFactory, MembershipFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def history_url(network, prefix=""):
    return prefix + reverse("networks:network_history", args=[network.slug])


def network_form_data(network, **changes):
    """The network's change form as the admin posts it, its inlines left alone."""
    data = {
        "name": network.name,
        "acronym": network.acronym,
        "slug": network.slug,
        "kind": network.kind,
        "scope": network.scope,
        "tagline": network.tagline,
        "description": network.description,
        "founded_on": network.founded_on.isoformat() if network.founded_on else "",
        "founded_on_precision": network.founded_on_precision,
        "headquarters_address": "",
        "governance": "",
        "declared_size": network.declared_size,
        "website": network.website,
    }
    for prefix in ("objectives", "key_dates", "memberships"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | changes


def test_it_shows_an_admin_edit_with_the_role_and_never_the_name(client, staff_client, staff_user, network):
    url = reverse("admin:networks_network_change", args=[network.pk])
    response = staff_client.post(url, network_form_data(network, scope="europeen", declared_size="40 villes"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    admin_history = staff_client.get(reverse("admin:networks_network_history", args=[network.pk]))
    assert staff_user.username in admin_history.content.decode()  # staff see names
    client.logout()

    response = client.get(history_url(network))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Modification : Réseau" in text
    assert "Échelle International Européen" in text
    assert "Taille déclarée — 40 villes" in text
    assert "par : Équipe" in text
    assert timezone.localdate().strftime("%Y") in text
    assert staff_user.username not in response.content.decode()


def test_it_shows_memberships_and_key_dates_including_deleted_ones(client, staff_client, network):
    membership = MembershipFactory(network=network, authority=LocalAuthorityFactory(name="Villeneuve-Test"))
    key_date = KeyDateFactory(network=network, label="Assemblée fondatrice")
    key_date.label = "Assemblée constitutive"
    key_date.save()
    url = reverse("admin:networks_membership_delete", args=[membership.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()

    response = client.get(history_url(network))

    assert_valid(response, history_url(network))
    text = visible_text(response)
    assert f"Suppression : Adhésion « Villeneuve-Test – {network} »" in text
    assert f"Création : Adhésion « Villeneuve-Test – {network} »" in text
    assert "Collectivité — Villeneuve-Test" in text
    assert "Événement Assemblée fondatrice Assemblée constitutive" in text
    assert "Date — 1 mai 2004" in text
    assert "Précision de la date — mois" in text


def test_it_answers_404_for_an_unknown_network(client):
    assert client.get("/reseaux/inconnu/historique/").status_code == 404
    assert client.get("/en/reseaux/inconnu/historique/").status_code == 404


def test_it_answers_under_en(client, network):
    network.tagline = "Nouvelle devise"
    network.save()

    response = client.get(history_url(network, prefix="/en"))

    assert response.status_code == 200
    assert "Nouvelle devise" in visible_text(response)


def test_the_network_page_links_to_its_history(client, network):
    assert history_url(network) in client.get(network.get_absolute_url()).content.decode()


def test_it_pages_with_a_fixed_number_of_queries(client, network, assert_constant_queries):
    def change(times):
        for position in range(times):
            KeyDate.objects.create(
                network=network,
                position=1000 + KeyDate.objects.count(),
                date=datetime.date(2001, 1, 1),
                label="x",
            )
            network.tagline = f"Devise {position}"
            network.save()

    change(2)
    # network, count, page's index, the network's records and their axes, the key dates' records
    response = assert_constant_queries(lambda: client.get(history_url(network)), lambda: change(30), 6)
    assert "Page 1 sur 4" in visible_text(response)


def dataset_rows(client, slug) -> dict:
    response = client.get(f"/donnees/{slug}.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {row.get("slug") or (row["network"], row["member"]): row for row in rows}


def test_the_open_data_gives_each_rows_last_change(client, network):
    authority = LocalAuthorityFactory(name="Villechangée")
    with acting_as(HistoryRole.IMPORT):
        loaded = LocalAuthorityFactory(name="Villechargée")
    authority.name_en = "Changed town"
    authority.save()
    last = LocalAuthority.history.filter(id=authority.pk).latest().history_date

    rows = dataset_rows(client, "collectivites")

    assert rows[authority.slug]["modifie_le"] == timezone.localtime(last).isoformat(timespec="seconds")
    assert rows[loaded.slug]["modifie_le"] == ""  # created by an import: never changed since
    assert dataset_rows(client, "reseaux")[network.slug]["modifie_le"] != ""
    membership = MembershipFactory(network=network, authority=authority)
    changed = Membership.history.filter(id=membership.pk).latest().history_date
    row = dataset_rows(client, "adhesions")[(network.slug, authority.slug)]
    assert row["modifie_le"] == timezone.localtime(changed).isoformat(timespec="seconds")
