"""The newsletter in a browser: the footer form without JavaScript's help, and the pages of
the e-mail links, with no WCAG 2.1 AA violation."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mailing.models import Message
from newsletter import services, tokens

from .a11y import assert_no_violations


@pytest.fixture
def axe_page(browser_context_factory):
    # bypass_csp: the site's Content-Security-Policy (script-src 'self') would block axe.
    context = browser_context_factory(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_a_visitor_signs_up_from_the_footer(site, axe_page):
    axe_page.goto(site.url + "/partenariats/")
    footer = axe_page.locator("footer")
    footer.get_by_label("Votre adresse e-mail").fill("camille@example.org")
    with axe_page.expect_navigation():
        footer.get_by_role("button", name="S’inscrire").click()

    expect(axe_page.locator(".messages")).to_contain_text("Si cette adresse peut recevoir nos nouvelles")
    assert axe_page.url == site.url + "/nouvelles/"
    assert_no_violations(axe_page, "/nouvelles/ after a sign-up")


@pytest.mark.parametrize("kind", ["confirmer", "desinscription"])
def test_the_pages_of_the_mail_links_have_no_wcag_violations(site, axe_page, kind):
    services.subscription_request(email="camille@example.org", language="fr")
    if kind == "confirmer":
        confirm_url = Message.objects.get(template="newsletter/email/confirm").context["confirm_url"]
        url = urlsplit(confirm_url).path
        button = "Confirmer mon inscription"
    else:
        url = (
            f"/nouvelles/desinscription/{tokens.unsubscribe_token(tokens.email_hash('camille@example.org'))}/"
        )
        button = "Me désinscrire"

    axe_page.goto(site.url + url)
    assert_no_violations(axe_page, url)
    with axe_page.expect_navigation():
        axe_page.locator("main").get_by_role("button", name=button).click()
    expect(axe_page.locator("h1")).to_have_text(
        "Inscription confirmée" if kind == "confirmer" else "Vous êtes désinscrit"
    )
    assert_no_violations(axe_page, f"{url} after the button")
