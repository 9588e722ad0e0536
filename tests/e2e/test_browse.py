"""A visitor browses the catalogue in a real browser."""

import re

from playwright.sync_api import expect


def test_a_visitor_finds_a_network_by_searching(site, page):
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopération européenne et internationale")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Réseaux").click()
    expect(page.get_by_role("status").filter(has_text="réseaux")).to_contain_text("16 réseaux")

    page.get_by_label("Rechercher").fill("éclairage")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"q=%C3%A9clairage"))
    expect(page.get_by_role("status").filter(has_text="réseau")).to_contain_text("1 réseau")

    page.get_by_role("link", name="Lighting Urban Community International").click()
    expect(page.get_by_role("heading", name="Toulouse dans le réseau")).to_be_visible()
    expect(page.get_by_text("City under Microscope")).to_be_visible()


def test_a_visitor_filters_partners_and_opens_one(site, page):
    page.goto(site.url + "/partenariats/")
    page.get_by_label("Continent").select_option("afrique")
    page.get_by_label("Type").select_option("accord-de-cooperation")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"continent=afrique"))
    expect(page.get_by_role("status").filter(has_text="partenariat")).to_contain_text("2 partenariats")
    page.get_by_role("link", name="Casablanca").click()
    shared = page.locator("section", has=page.get_by_role("heading", name="Réseaux en commun"))
    expect(shared.get_by_role("link", name=re.compile("Aéropostale"))).to_be_visible()


def test_a_bad_filter_link_shows_a_message_not_an_error(site, page):
    response = page.goto(site.url + "/partenariats/?pays=ZZ")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Certains filtres n’ont pas été appliqués")
