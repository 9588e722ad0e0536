"""Every public, account and participation page passes axe-core's WCAG 2.1 A and AA rules.

axe-core comes from the npm registry (tests/e2e/vendor/axe.min.js) and is injected into
Debian's Chromium; any violation fails the test, with the rule, its help and the nodes.
Pages are checked anonymous and signed in, with filters applied and with form errors shown.
"""

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.factories import VerifiedUserFactory

from .a11y import assert_no_violations, log_in

PROPOSAL = "<préconisation officielle>"


def official_proposal():
    return Proposal.objects.filter(is_official=True).order_by("pk").first()


@pytest.fixture
def axe_page(browser_context_factory):
    # bypass_csp: the site's Content-Security-Policy (script-src 'self') would block axe.
    context = browser_context_factory(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def citizen_page(site, axe_page):
    user = VerifiedUserFactory(username="citoyenne-a11y", display_name="Camille")
    log_in(axe_page, site.url, user)
    return axe_page


def submit_empty(page, form_selector):
    """Submit a form as it is, past the browser's own checks, to see the server's errors."""
    form = page.locator(form_selector)
    form.evaluate("form => { form.noValidate = true }")
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/partenariats/",
        "/partenariats/?continent=europe&type=jumelage",
        "/partenariats/?pays=ZZ",
        "/partenariats/toulouse-bologne/",
        "/collectivites/toulouse/",
        "/reseaux/",
        "/reseaux/?q=eclairage",
        "/reseaux/aeropostale/",
        "/organisations/cnes/",
        "/preconisations/",
        "/preconisations/?etiquette=jumelage",
        PROPOSAL,
        "/comptes/login/",
        "/comptes/signup/",
        "/comptes/password/reset/",
        "/cette-page-n-existe-pas/",
        "/nouvelles/",
        "/evaluation/",
        "/evaluation/?tri=inconnu",
    ],
)
def test_public_pages_have_no_wcag_violations(site, axe_page, url):
    if url == PROPOSAL:
        url = official_proposal().get_absolute_url()
    response = axe_page.goto(site.url + url)
    assert response.status in (200, 400, 404), url
    assert_no_violations(axe_page, url)


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/comptes/signup/", "main form[method=post]"),
        ("/comptes/login/", "main form[method=post]"),
        ("/comptes/password/reset/", "main form[method=post]"),
        ("/nouvelles/", "main form[method=post]"),
    ],
)
def test_account_forms_with_errors_have_no_wcag_violations(site, axe_page, url, form):
    axe_page.goto(site.url + url)
    submit_empty(axe_page, form)
    expect(axe_page.locator("[aria-invalid=true]").first).to_be_attached()
    assert_no_violations(axe_page, f"{url} with errors")


@pytest.mark.parametrize(
    "url",
    [
        PROPOSAL,
        "/preconisations/proposer/",
        "/profil/",
        "/profil/supprimer/",
        "/comptes/email/",
        "/partenariats/toulouse-hanoi/",
    ],
)
def test_signed_in_pages_have_no_wcag_violations(site, citizen_page, url):
    if url == PROPOSAL:
        url = official_proposal().get_absolute_url()
    response = citizen_page.goto(site.url + url)
    assert response.status == 200, url
    if url.startswith("/preconisations/") and "proposer" not in url:
        expect(citizen_page.get_by_role("button", name="Pour")).to_be_visible()
        expect(citizen_page.get_by_label("Votre commentaire")).to_be_visible()
    assert_no_violations(citizen_page, url)


def test_the_comment_form_with_an_error_has_no_wcag_violations(site, citizen_page):
    citizen_page.goto(site.url + official_proposal().get_absolute_url())
    submit_empty(citizen_page, "form.comment-form")
    body = citizen_page.get_by_label("Votre commentaire")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_attribute("aria-describedby", "id_body_error")
    assert_no_violations(citizen_page, "comment form with an error")


def test_the_proposal_form_with_errors_has_no_wcag_violations(site, citizen_page):
    citizen_page.goto(site.url + "/preconisations/proposer/")
    submit_empty(citizen_page, "main form.stacked-form")
    expect(citizen_page.locator("[aria-invalid=true]").first).to_be_attached()
    assert_no_violations(citizen_page, "proposal form with errors")


def test_the_vote_box_after_a_vote_has_no_wcag_violations(site, citizen_page):
    citizen_page.goto(site.url + official_proposal().get_absolute_url())
    citizen_page.locator(".vote-box").get_by_role("button", name="Pour").click()
    expect(citizen_page.locator(".vote-box").get_by_role("button", name="Pour")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert_no_violations(citizen_page, "after a vote")


def test_the_review_form_with_errors_has_no_wcag_violations(site, citizen_page):
    citizen_page.goto(site.url + "/partenariats/toulouse-hanoi/")
    submit_empty(citizen_page, "form.review-form")
    expect(
        citizen_page.get_by_text("Donnez une note sur au moins un axe, ou un commentaire.")
    ).to_be_visible()
    assert_no_violations(citizen_page, "review form with errors")


def test_a_citizen_scores_a_partnership_by_keyboard_and_sees_the_distribution(site, citizen_page):
    citizen_page.goto(site.url + "/partenariats/toulouse-hanoi/")
    group = citizen_page.get_by_role("group", name="Vivre en commun")
    group.get_by_label("4").check()
    citizen_page.get_by_label("Votre commentaire (facultatif)").fill("Des échanges utiles.")
    citizen_page.get_by_role("button", name="Enregistrer mon avis").press("Enter")
    expect(citizen_page.get_by_text("Votre avis est enregistré")).to_be_visible()
    expect(citizen_page.get_by_text("1 citoyen a donné son avis sur ce partenariat.")).to_be_visible()
    expect(citizen_page.locator(".reviews .comment-body")).to_have_text("Des échanges utiles.")
    expect(citizen_page.get_by_role("group", name="Vivre en commun").get_by_label("4")).to_be_checked()
    assert_no_violations(citizen_page, "partnership page after a review")
