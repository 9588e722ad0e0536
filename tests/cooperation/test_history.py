"""A partnership's public history (/partenariats/<slug>/historique/): admin edits show
with the field, old → new value, the role and the date, never a staff member's name;
the evaluation's actions and assessments are part of it; the admin shows names."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cooperation.models import LocalAuthority, Partnership
from core.history import HistoryRole, acting_as
from evaluation.models import PartnershipAction, PartnershipAssessment
from tests.archipel.test_html import assert_valid
from tests.factories import LocalAuthorityFactory, ThemeFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def history_url(partnership, prefix=""):
    return prefix + reverse("cooperation:partnership_history", args=[partnership.slug])


def inline_management_data(response):
    """Empty management forms for every inline: existing inline rows are left alone."""
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


def admin_edit(client, partnership, **changes):
    url = reverse("admin:cooperation_partnership_change", args=[partnership.pk])
    data = inline_management_data(client.get(url))
    data |= {
        "french_authority": partnership.french_authority_id,
        "partner": partnership.partner_id,
        "kind": partnership.kind,
        "status": partnership.status,
        "slug": partnership.slug,
        "since": partnership.since.isoformat() if partnership.since else "",
        "since_precision": partnership.since_precision,
        "since_note": partnership.since_note,
        "description": partnership.description,
    }
    data |= changes
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_it_shows_an_admin_edit_with_its_field_values_role_and_date(
    client, staff_client, staff_user, partnership
):
    admin_edit(staff_client, partnership, status="en-sommeil", description="Renouvelé en 2020.")
    client.logout()

    response = client.get(history_url(partnership))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Modification : Partenariat" in text
    assert "Statut Actif En sommeil" in text  # the choices' labels, old then new
    assert "Description — Renouvelé en 2020." in text
    assert "par : Équipe" in text  # staff in no group
    today = datetime.date.today()
    assert f"{today.day} " in text and str(today.year) in text
    record = partnership.history.filter(history_type="~").get()
    assert record.history_user == staff_user
    assert record.history_role == HistoryRole.TEAM


def test_it_records_the_role_of_the_staff_members_group(client, staff_client, staff_user, partnership):
    group, _ = Group.objects.get_or_create(name="Éditeur du catalogue")
    staff_user.groups.add(group)

    admin_edit(staff_client, partnership, status="termine")

    text = visible_text(client.get(history_url(partnership)))
    assert "Statut Actif Terminé" in text
    assert "par : Éditeur du catalogue" in text


def test_it_shows_related_rows_by_name_and_never_a_staff_members_name(
    client, staff_client, staff_user, partnership
):
    staff_user.first_name, staff_user.last_name = "Camille", "Durand"
    staff_user.display_name = "Camille D. de l’équipe"
    staff_user.email = "camille.durand@example.org"
    staff_user.save()
    other = LocalAuthorityFactory(name="Ville de remplacement")

    admin_edit(staff_client, partnership, partner=other.pk)

    public = client.get(history_url(partnership)).content.decode()
    text = visible_text(client.get(history_url(partnership)))
    assert f"Collectivité partenaire {partnership.partner.name} Ville de remplacement" in text
    for private in (staff_user.username, "Camille", "Durand", staff_user.email):
        assert private not in public
    admin_history = staff_client.get(reverse("admin:cooperation_partnership_history", args=[partnership.pk]))
    assert admin_history.status_code == 200
    assert "Camille D. de l’équipe" in visible_text(admin_history)  # staff see who


def test_it_shows_the_actions_and_assessments_including_deleted_ones(client, staff_client, partnership):
    action = PartnershipAction.objects.create(partnership=partnership, title="Échange scolaire", year=2022)
    assessment = PartnershipAssessment.objects.create(
        partnership=partnership, year=2022, published_on=datetime.date(2023, 3, 1), achievements="Un échange."
    )
    url = reverse("admin:evaluation_partnershipaction_delete", args=[action.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assessment.cost = 1500
    assessment.save()

    response = client.get(history_url(partnership))

    assert_valid(response, history_url(partnership))
    text = visible_text(response)
    assert "Suppression : Action « 2022 : Échange scolaire »" in text
    assert "Création : Action « 2022 : Échange scolaire »" in text
    assert "Intitulé — Échange scolaire" in text
    assert f"Modification : Bilan annuel « {partnership} — 2022 »" in text
    assert "Coût (euros) — 1500" in text
    assert text.index("Suppression : Action") < text.index("Création : Action")  # newest first


def test_it_shows_the_change_reason_as_given(client, partnership):
    partnership.description = "Corrigé."
    partnership._change_reason = "sur proposition d’un citoyen"
    partnership.save()

    text = visible_text(client.get(history_url(partnership)))

    assert "Motif : sur proposition d’un citoyen" in text


def test_it_names_loads_without_a_user(client, partnership):
    with acting_as(HistoryRole.SEED):
        partnership.since_note = "Selon la mairie."
        partnership.save()

    assert "par : Données initiales" in visible_text(client.get(history_url(partnership)))


def test_it_answers_in_english_under_en(client, partnership):
    partnership.status = "termine"
    partnership.save()

    response = client.get(history_url(partnership, prefix="/en"))

    assert response.status_code == 200
    assert "Status Active Ended" in visible_text(response)  # verbose name and labels translated


def test_it_answers_404_for_an_unknown_partnership(client):
    assert client.get("/partenariats/inconnu/historique/").status_code == 404


def test_the_partnership_page_links_to_its_history(client, partnership):
    response = client.get(partnership.get_absolute_url())

    assert history_url(partnership) in response.content.decode()


def test_it_pages_with_a_fixed_number_of_queries(client, partnership, assert_constant_queries):
    def change(times):
        for year in range(2000, 2000 + times):
            PartnershipAction.objects.create(partnership=partnership, title=f"Action {year}", year=year)
            partnership.since_note = f"Note {year}"
            partnership.save()

    change(2)
    # partnership, count, page's index, the partnership's records and their axes, fields
    # of action, SDGs and sources, the actions' records
    assert_constant_queries(lambda: client.get(history_url(partnership)), lambda: change(30), 9)


def test_an_import_records_created_rows(tmp_path):
    from django.core.management import call_command

    rows = tmp_path / "jumelages.csv"
    rows.write_text(
        "city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"
        "Villenouvelle,France,43.5,1.5,Ciudadnueva,Spain,40.4,-3.7\n",
        encoding="utf-8",
    )

    call_command("import_twinnings", str(rows), "--no-progress", verbosity=0)

    partnership = Partnership.objects.get(french_authority__name="Villenouvelle")
    record = partnership.history.get()
    assert (record.history_type, record.history_role) == ("+", HistoryRole.IMPORT)
    authority = LocalAuthority.objects.get(name="Ciudadnueva")
    assert authority.history.get().history_role == HistoryRole.IMPORT


def test_an_admin_save_without_changes_records_nothing(staff_client, partnership):
    before = partnership.history.count()

    admin_edit(staff_client, partnership)

    assert partnership.history.count() == before


def test_the_seeds_are_recorded_once_and_a_reapply_records_only_what_it_changes(client):
    from archipel.seeds import seeds_reapply

    atlanta = Partnership.objects.get(slug="toulouse-atlanta")
    seeded = atlanta.history.get()  # the catalogue of every test database, loaded once
    assert (seeded.history_type, seeded.history_role) == ("+", HistoryRole.SEED)
    classified = Partnership.objects.filter(sources__isnull=False).distinct().first()
    sources = ", ".join(sorted(source.title for source in classified.sources.all()))
    assert f"Sources — {sources}" in visible_text(client.get(history_url(classified)))  # with its sources
    atlanta.since_note = "Changé par l’équipe."
    atlanta.save()

    seeds_reapply(["03_partnerships.json"])

    # Only Atlanta's change and the reapply that put it back: the unchanged rows, none.
    assert Partnership.history.filter(history_type="~").count() == 2
    record = atlanta.history.latest()
    assert (record.history_type, record.history_role) == ("~", HistoryRole.SEED)
    assert record.since_note == seeded.since_note


def test_it_records_a_change_of_axes_once_with_the_other_fields(client, staff_client, partnership):
    kept, added = ThemeFactory(name="Axe gardé"), ThemeFactory(name="Axe ajouté")
    partnership.themes.set([kept])
    before = partnership.history.count()

    admin_edit(staff_client, partnership, themes=[kept.pk, added.pk], since_note="Date revue.")

    assert partnership.history.count() == before + 1  # one record, not one per field touched
    text = visible_text(client.get(history_url(partnership)))
    assert "Axes Axe gardé Axe ajouté, Axe gardé" in text
    assert "Note sur la date — Date revue." in text
