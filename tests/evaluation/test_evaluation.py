"""The evaluation of partnerships: staff's actions and yearly assessments, the scorecard
on each partnership page, citizens' scores per axis, and /evaluation/."""

import datetime
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from cooperation.models import ActionField, Partnership, SustainableDevelopmentGoal, Theme
from evaluation import services
from evaluation.figures import Year, refresh_summaries, total_spending
from evaluation.models import PartnershipAction, PartnershipAssessment, PartnershipReview, ReviewScore
from tests.factories import UserFactory, verify
from tests.pages import query_count, visible_text

pytestmark = pytest.mark.django_db

AXES = ["transition-ecologique", "demarche-democratique", "justice-sociale-et-solidarite", "vivre-en-commun"]
THIS_YEAR = datetime.date.today().year


def axis(slug):
    return Theme.objects.get(slug=slug)


def add_action(partnership, *, year, budget=None, themes=(), field=None, sdgs=(), title=None):
    action = PartnershipAction.objects.create(
        partnership=partnership,
        title=title or f"Action {year}",
        year=year,
        budget=budget,
        action_field=ActionField.objects.get(slug=field) if field else None,
    )
    action.themes.set([axis(slug) for slug in themes])
    action.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    refresh_summaries([partnership.pk])
    return action


def add_assessment(partnership, *, year, cost=None, published_on=None):
    assessment = PartnershipAssessment.objects.create(
        partnership=partnership,
        year=year,
        published_on=published_on or datetime.date(year + 1, 3, 15),
        achievements=f"Échanges scolaires et missions techniques en {year}.",
        cost=cost,
        returns_here="Deux associations toulousaines ont trouvé des partenaires.",
    )
    refresh_summaries([partnership.pk])
    return assessment


def rate(user, partnership, comment="", **scores):
    """scores: axis slug with dashes as underscores -> 1..5."""
    return services.review_save(
        author=user,
        partnership=partnership,
        scores={axis(slug.replace("_", "-")): score for slug, score in scores.items()},
        comment=comment,
    )


def citizens(count, prefix="noteur"):
    return [verify(UserFactory(username=f"{prefix}{n}")) for n in range(count)]


@pytest.fixture
def atlanta():
    return Partnership.objects.get(slug="toulouse-atlanta")


def review_form(**scores):
    data = {f"axe-{slug}": "" for slug in AXES}
    data.update({f"axe-{slug.replace('_', '-')}": str(score) for slug, score in scores.items()})
    return data


# The spending rule ------------------------------------------------------------------------


def test_a_years_spending_is_its_assessments_cost_else_the_known_budgets_of_its_actions():
    with_cost = Year(
        2023, action_count=2, budget=9000, assessment=PartnershipAssessment(year=2023, cost=12000)
    )
    without_cost = Year(
        2022, action_count=1, budget=4000, assessment=PartnershipAssessment(year=2022, cost=None)
    )
    no_assessment = Year(2021, action_count=1, budget=1500)
    unknown = Year(2020, action_count=1)
    assert [row.spending for row in (with_cost, without_cost, no_assessment, unknown)] == [
        12000,
        4000,
        1500,
        None,
    ]
    assert total_spending([with_cost, without_cost, no_assessment, unknown]) == 17500
    assert total_spending([unknown]) is None


# The scorecard ----------------------------------------------------------------------------


def test_a_partnership_never_evaluated_says_so_since_it_began(client, atlanta):
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert (
        "Non évalué depuis 1975 : aucun bilan public n’a été publié depuis le début du partenariat." in text
    )
    assert "Actions recensées 0" in text
    assert "Dépenses connues inconnues" in text
    for name in [
        "Transition écologique",
        "Démarche démocratique",
        "Justice sociale et solidarité",
        "Vivre en commun",
    ]:
        assert name in text
    assert "pas encore d’avis" in text


def test_a_partnership_with_an_unknown_start_says_it_was_never_evaluated(client):
    text = visible_text(client.get("/partenariats/toulouse-chongqing/"))
    assert "Non évalué : aucun bilan public n’a été publié." in text


def test_the_scorecard_shows_actions_and_spending_per_year(client, atlanta):
    add_action(
        atlanta,
        year=2022,
        budget=8000,
        themes=["transition-ecologique"],
        field="mobilite-internationale-jeunes",
        sdgs=[4],
    )
    add_action(
        atlanta, year=2022, budget=2000, themes=["transition-ecologique", "vivre-en-commun"], sdgs=[13]
    )
    add_action(
        atlanta, year=THIS_YEAR - 1, budget=None, themes=["vivre-en-commun"], field="cooperation-economique"
    )
    add_assessment(atlanta, year=2022, cost=15000)
    add_assessment(atlanta, year=THIS_YEAR - 1, cost=None, published_on=datetime.date.today())

    text = visible_text(client.get(atlanta.get_absolute_url()))

    assert f"Dernier bilan public : {THIS_YEAR - 1}" in text
    assert "Non évalué depuis" not in text
    assert "Actions recensées 3" in text
    # 2022: the assessment's 15,000 wins over the actions' 10,000; last year: nothing known.
    assert "Dépenses connues 15 000 €" in text
    assert re.search(r"2022 2 15 000 € publié le 15 mars 2023", text)
    # Per axis: 2 of 3 actions serve the ecological transition, with 10,000 € of budgets.
    assert "Transition écologique 2 (67 %) 10 000 €" in text
    assert "Vivre en commun 2 (67 %) 2 000 €" in text
    assert "Démarche démocratique 0 (0 %) — pas encore d’avis" in text, text[text.index("Les quatre axes") :][
        :600
    ]
    # Fields and SDGs covered, by the partnership itself and by its actions.
    assert "Mobilité internationale des jeunes" in text and "Coopération économique" in text
    assert "ODD 4" in text and "ODD 13" in text
    assert "Échanges scolaires et missions techniques en 2022." in text


def test_an_old_last_assessment_reads_as_not_evaluated_since_that_year(client, atlanta):
    add_assessment(atlanta, year=2015, cost=3000, published_on=datetime.date(2016, 2, 1))
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert (
        "Non évalué depuis 2015 : le dernier bilan public, publié le 1 février 2016, porte sur 2015." in text
    )


def test_the_summary_columns_follow_every_change(atlanta):
    action = add_action(atlanta, year=2021, budget=5000)
    add_assessment(atlanta, year=2020, cost=1000)
    atlanta.refresh_from_db()
    assert (atlanta.action_count, atlanta.spending, atlanta.last_assessed_year) == (1, 6000, 2020)
    action.delete()
    refresh_summaries([atlanta.pk])
    atlanta.refresh_from_db()
    assert (atlanta.action_count, atlanta.spending, atlanta.last_assessed_year) == (0, 1000, 2020)


def test_the_partnership_page_keeps_a_fixed_number_of_queries(client, atlanta, assert_constant_queries):
    add_action(atlanta, year=2022, budget=100, themes=["vivre-en-commun"], sdgs=[4], field="aide-urgence")
    add_assessment(atlanta, year=2022)
    for user in citizens(2, "peu"):
        rate(user, atlanta, comment="Utile.", vivre_en_commun=4)

    def grow():
        for year in range(2000, 2020):
            add_action(atlanta, year=year, budget=100, themes=AXES, sdgs=[1, 2], field="aide-urgence")
            add_assessment(atlanta, year=year)
        for user in citizens(25, "beaucoup"):
            rate(user, atlanta, comment="Très utile.", vivre_en_commun=5, transition_ecologique=2)

    # The partnership, its axes, fields, SDGs, sources and milestones (6); count, ids and
    # rows of the commented reviews (3); actions with their axes, SDGs, organisations and
    # sources (5); assessments with their sources (2); scores per axis, axes, shared networks.
    assert_constant_queries(lambda: client.get(atlanta.get_absolute_url()), grow, 19)

    citizen = citizens(1, "connecte")[0]
    client.force_login(citizen)
    rate(citizen, atlanta, vivre_en_commun=3)
    signed_in = query_count(client, atlanta.get_absolute_url())
    assert signed_in <= 19 + 8  # session, user, verified address, their review and scores


# Citizens' scores -------------------------------------------------------------------------


def test_a_verified_citizen_scores_the_four_axes_and_comments(client, verified_citizen, atlanta):
    client.force_login(verified_citizen)
    data = review_form(transition_ecologique=4, vivre_en_commun=2)
    data["comment"] = "Les échanges scolaires sont une réussite."

    response = client.post(f"/partenariats/{atlanta.slug}/avis/", data, follow=True)

    assert response.status_code == 200
    text = visible_text(response)
    assert "Votre avis est enregistré" in text
    assert "1 citoyen a donné son avis sur ce partenariat." in text
    # One citizen's scores are never shown, next to their named comment least of all.
    assert "Moins de 5 avis : la moyenne n’est pas publiée." in text and "sur 1 avis" not in text
    assert "Les échanges scolaires sont une réussite." in text
    review = PartnershipReview.objects.get(partnership=atlanta, author=verified_citizen)
    assert {s.theme.slug: s.score for s in review.scores.all()} == {
        "transition-ecologique": 4,
        "vivre-en-commun": 2,
    }
    atlanta.refresh_from_db()
    assert atlanta.reviewer_count == 1 and atlanta.rating_average is None  # under MINIMUM_REVIEWERS


def test_changing_a_score_keeps_one_review_and_sans_avis_takes_a_score_back(
    client, verified_citizen, atlanta
):
    client.force_login(verified_citizen)
    client.post(
        f"/partenariats/{atlanta.slug}/avis/", review_form(transition_ecologique=4, vivre_en_commun=2)
    )
    client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(transition_ecologique=5))

    review = PartnershipReview.objects.get(partnership=atlanta, author=verified_citizen)
    assert {s.theme.slug: s.score for s in review.scores.all()} == {"transition-ecologique": 5}
    assert ReviewScore.objects.filter(review__partnership=atlanta).count() == 1
    page = client.get(atlanta.get_absolute_url())
    assert "Modifier mon avis" in visible_text(page)
    assert 'value="5" required' not in page.content.decode()  # radios are optional
    assert re.search(r'name="axe-transition-ecologique" value="5"[^>]*checked', page.content.decode())


def test_the_page_shows_the_distribution_not_only_the_mean(client, atlanta):
    for user, score in zip(citizens(5), [1, 1, 5, 5, 5], strict=True):
        rate(user, atlanta, transition_ecologique=score)
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert "5 citoyens ont donné leur avis" in text
    assert re.search(r"5 3 avis 4 0 avis 3 0 avis 2 0 avis 1 2 avis", text)


@pytest.mark.parametrize(
    "data, message",
    [
        (review_form(), "Donnez une note sur au moins un axe, ou un commentaire."),
        (review_form(transition_ecologique=6), "Choisissez une note de 1 à 5, ou « sans avis »."),
        (review_form(transition_ecologique=0), "Choisissez une note de 1 à 5, ou « sans avis »."),
        (
            {**review_form(vivre_en_commun=3), "comment": "x" * 2001},
            "Votre commentaire dépasse 2000 caractères.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(client, verified_citizen, atlanta, data, message):
    client.force_login(verified_citizen)
    response = client.post(f"/partenariats/{atlanta.slug}/avis/", data)
    assert response.status_code == 400
    assert message in visible_text(response)
    assert not PartnershipReview.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client, atlanta):
    page = visible_text(client.get(atlanta.get_absolute_url()))
    assert "Connectez-vous pour donner votre avis" in page
    response = client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(vivre_en_commun=3))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert not PartnershipReview.objects.exists()


def test_an_unverified_citizen_is_refused_with_a_403(client, citizen, atlanta):
    client.force_login(citizen)
    assert "Confirmez votre adresse e-mail pour donner votre avis" in visible_text(
        client.get(atlanta.get_absolute_url())
    )
    response = client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(vivre_en_commun=3))
    assert response.status_code == 403
    assert "seuls les citoyens vérifiés évaluent" in visible_text(response)
    assert not PartnershipReview.objects.exists()


def test_a_review_needs_a_post_with_csrf(verified_citizen, atlanta):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(verified_citizen)
    assert client.get(f"/partenariats/{atlanta.slug}/avis/").status_code == 405
    assert (
        client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(vivre_en_commun=3)).status_code == 403
    )
    assert not PartnershipReview.objects.exists()


def test_an_unknown_partnership_is_a_404(client, verified_citizen):
    client.force_login(verified_citizen)
    assert client.post("/partenariats/nulle-part/avis/", review_form(vivre_en_commun=3)).status_code == 404


def test_a_citizen_withdraws_their_review(client, verified_citizen, atlanta):
    rate(verified_citizen, atlanta, vivre_en_commun=3, comment="Bof.")
    client.force_login(verified_citizen)
    response = client.post(f"/partenariats/{atlanta.slug}/avis/retirer/", follow=True)
    assert "Votre avis a été retiré." in visible_text(response)
    assert not PartnershipReview.objects.exists()
    atlanta.refresh_from_db()
    assert atlanta.reviewer_count == 0 and atlanta.rating_average is None


def test_a_hidden_comment_shows_the_moderation_reason(client, verified_citizen, atlanta):
    review = rate(verified_citizen, atlanta, vivre_en_commun=1, comment="Propos injurieux")
    review.is_hidden, review.hidden_reason = True, "propos injurieux envers une personne"
    review.save()
    text = visible_text(client.get(atlanta.get_absolute_url()))
    assert "Commentaire masqué par la modération : propos injurieux envers une personne" in text
    assert "Propos injurieux" not in text


def test_deleting_an_account_takes_its_reviews_and_updates_the_figures(verified_citizen, atlanta):
    from proposals.services import account_delete

    rate(verified_citizen, atlanta, vivre_en_commun=1)
    for user in citizens(5):
        rate(user, atlanta, vivre_en_commun=5)
    account_delete(user=verified_citizen)
    atlanta.refresh_from_db()
    assert atlanta.reviewer_count == 5 and atlanta.rating_average == 5


def test_reviews_are_rate_limited(client, verified_citizen, atlanta, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"rate": (2, 60)}
    client.force_login(verified_citizen)
    for score in (1, 2):
        assert (
            client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(vivre_en_commun=score)).status_code
            == 302
        )
    response = client.post(f"/partenariats/{atlanta.slug}/avis/", review_form(vivre_en_commun=5))
    assert response.status_code == 429
    assert ReviewScore.objects.get().score == 2


@pytest.mark.django_db(transaction=True)
def test_one_review_when_the_same_citizen_saves_from_many_threads_at_once():
    call_command("load_catalogue", verbosity=0)
    user = citizens(1, "double")[0]
    atlanta = Partnership.objects.get(slug="toulouse-atlanta")
    errors = []
    barrier = threading.Barrier(8)

    def worker(score):
        try:
            barrier.wait()
            rate(user, atlanta, vivre_en_commun=score)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(1 + n % 5,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert PartnershipReview.objects.filter(author=user).count() == 1
    assert ReviewScore.objects.filter(review__author=user).count() == 1
    atlanta.refresh_from_db()
    assert atlanta.reviewer_count == 1
    assert atlanta.rating_average is None  # one citizen's score is never published


# /evaluation/ ------------------------------------------------------------------------------


def test_the_evaluation_page_puts_every_partnership_side_by_side(client):
    response = client.get("/evaluation/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "17 partenariats" in text
    assert "Toulouse – Atlanta" in text and "aucun depuis 1975" in text
    # A chart per axis, drawn on the server, each with a text alternative.
    html = response.content.decode()
    assert html.count('<svg viewBox="0 0 660') == 4
    for slug in AXES:
        assert f'aria-labelledby="graphique-{slug}-title graphique-{slug}-desc"' in html
        assert f'id="graphique-{slug}-desc"' in html
    assert "Les chiffres : Transition écologique" in text


def test_the_evaluation_page_sorts_by_rating_spending_and_last_evaluation(client, atlanta):
    hanoi = Partnership.objects.get(slug="toulouse-hanoi")
    kiev = Partnership.objects.get(slug="toulouse-kiev")
    for user in citizens(5, "atlanta"):
        rate(user, atlanta, vivre_en_commun=2)
    for user in citizens(5, "hanoi"):
        rate(user, hanoi, vivre_en_commun=5)
    add_assessment(kiev, year=2023, cost=40000)
    add_assessment(atlanta, year=2019, cost=1000)
    add_action(hanoi, year=2024, budget=9000)

    def order(query):
        text = visible_text(client.get(f"/evaluation/?collectivite=toulouse&{query}"))
        return sorted(["Atlanta", "Hanoï", "Kiev"], key=text.index)

    assert order("tri=-note") == ["Hanoï", "Atlanta", "Kiev"]  # Kiev has no rating: last
    assert order("tri=-depenses") == ["Kiev", "Hanoï", "Atlanta"]
    assert order("tri=-evaluation") == ["Kiev", "Atlanta", "Hanoï"]
    text = visible_text(client.get("/evaluation/?tri=-note"))
    assert "5,0 / 5 (5 avis)" in text or "5.0 / 5 (5 avis)" in text


def test_the_chart_draws_a_bar_per_rated_partnership(client, atlanta):
    for user in citizens(5):
        rate(user, atlanta, transition_ecologique=5)
    html = client.get("/evaluation/?tri=-note").content.decode()
    chart = html[html.index('id="graphique-transition-ecologique-title"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count('<rect class="chart-bar"') == 1
    assert 'width="330"' in chart  # 5 out of 5 fills the plot
    # The default order (latest evaluation first) is the sort list's first option.
    html = client.get("/evaluation/").content.decode()
    assert re.search(r'<select name="tri"[^>]*>\s*<option value="-evaluation"', html)
    assert "1 partenariat sur 17 noté sur cet axe" in chart


def test_the_evaluation_page_filters_and_refuses_unknown_values(client):
    add_assessment(Partnership.objects.get(slug="toulouse-kiev"), year=2023)
    text = visible_text(client.get("/evaluation/?evaluation=publiee"))
    assert "1 partenariat" in text and "Kiev" in text
    text = visible_text(client.get("/evaluation/?evaluation=aucune&type=jumelage"))
    assert "Kiev" not in text and "Atlanta" in text
    response = client.get("/evaluation/?tri=n-importe-quoi")
    assert response.status_code == 400
    assert "Certains filtres n’ont pas été appliqués" in visible_text(response)


def test_the_evaluation_page_keeps_a_fixed_number_of_queries(
    client, partnership_factory, assert_constant_queries
):
    def grow():
        partnerships = partnership_factory.create_batch(30)
        voters = citizens(3)
        for partnership in partnerships:
            add_action(partnership, year=2020, budget=10, themes=AXES)
            for voter in voters:
                rate(voter, partnership, transition_ecologique=3, vivre_en_commun=4)

    # Count, page ids, page rows; axes and the page's scores per axis; choices of the
    # country, axis, field and SDG filters.
    assert_constant_queries(lambda: client.get("/evaluation/"), grow, 9)
    assert query_count(client, "/evaluation/?page=2&tri=-note") == 9


# Admin ------------------------------------------------------------------------------------


def test_staff_record_an_action_in_the_admin_and_the_figures_follow(staff_client, atlanta):
    response = staff_client.post(
        "/admin/evaluation/partnershipaction/add/",
        {
            "partnership": atlanta.pk,
            "title": "Échange de jeunes volontaires",
            "year": 2024,
            "action_field": ActionField.objects.get(slug="mobilite-internationale-jeunes").pk,
            "budget": 12000,
            "themes": [axis("vivre-en-commun").pk],
            "sdgs": [],
            "organisations": [],
            "other_partners": "Lycée Saint-Sernin",
            "outcomes_here": "",
            "outcomes_abroad": "",
            "sources": [],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    atlanta.refresh_from_db()
    assert (atlanta.action_count, atlanta.spending) == (1, 12000)
    assert "Échange de jeunes volontaires" in visible_text(staff_client.get(atlanta.get_absolute_url()))


def test_staff_refuse_an_assessment_year_out_of_range_in_french(staff_client, atlanta):
    response = staff_client.post(
        "/admin/evaluation/partnershipassessment/add/",
        {
            "partnership": atlanta.pk,
            "year": 1850,
            "published_on": "2024-01-10",
            "achievements": "Rien.",
            "sources": [],
        },
    )
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1900." in visible_text(response)
    assert not PartnershipAssessment.objects.exists()


def test_staff_hide_a_review_comment_only_with_a_reason(staff_client, verified_citizen, atlanta):
    review = rate(verified_citizen, atlanta, vivre_en_commun=2, comment="Hors sujet")
    url = f"/admin/evaluation/partnershipreview/{review.pk}/change/"
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"is_hidden": "on", "hidden_reason": ""})
    assert response.status_code == 200
    assert "Indiquez le motif" in visible_text(response)
    response = staff_client.post(url, {"is_hidden": "on", "hidden_reason": "hors sujet"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_hidden and review.comment == "Hors sujet"


@pytest.mark.parametrize("model", ["partnershipaction", "partnershipassessment", "partnershipreview"])
def test_the_evaluation_changelists_load(staff_client, model, atlanta, verified_citizen):
    add_action(atlanta, year=2020)
    add_assessment(atlanta, year=2020)
    rate(verified_citizen, atlanta, vivre_en_commun=3, comment="Bien")
    assert staff_client.get(f"/admin/evaluation/{model}/").status_code == 200


def test_comments_are_paginated_on_their_own_parameter(client, atlanta):
    for n, user in enumerate(citizens(25, "bavard")):
        rate(user, atlanta, comment=f"Commentaire numéro {n:02d}")
    first = client.get(atlanta.get_absolute_url())
    html = first.content.decode()
    assert 'href="?avis=2#avis"' in html
    assert "Page 1 sur 2" in visible_text(first)
    second = visible_text(client.get(atlanta.get_absolute_url() + "?avis=2"))
    shown = {n for n in range(25) if f"Commentaire numéro {n:02d}" in second}
    assert len(shown) == 5  # 20 per page, the oldest last
