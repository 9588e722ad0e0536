"""The world maps (static/js/map.js): Leaflet without tiles, everything served by the site itself."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cooperation.models import LocalAuthority, Partnership
from networks.models import Membership


def map_data(html, map_id):
    """The points of the `json_script` element that feeds the map `map_id`."""
    match = re.search(rf'<script id="{map_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script for {map_id}"
    return json.loads(match.group(1))


def expected_home_points():
    partners = (
        Partnership.objects.filter(
            french_authority__in=LocalAuthority.objects.home_bodies(), partner__latitude__isnull=False
        )
        .values("partner")
        .distinct()
        .count()
    )
    return partners + 1  # and Toulouse


def expected_member_points(slug):
    return Membership.objects.filter(network__slug=slug, authority__latitude__isnull=False).count()


@pytest.mark.django_db
def test_the_pages_carry_the_points_of_their_map(client):
    call_command("load_catalogue", verbosity=0)
    html = client.get("/").content.decode()
    points = map_data(html, "carte-partenaires")
    assert len(points) == expected_home_points() >= 13
    assert points[0]["kind"] == "home" and points[0]["name"] == "Toulouse"
    assert all({"name", "lat", "lng", "url", "kind"} <= point.keys() for point in points)
    assert 'href="#partenaires"' in html  # the list, for people who cannot use the map

    html = client.get("/reseaux/aeropostale/").content.decode()
    points = map_data(html, "carte-membres")
    assert len(points) == expected_member_points("aeropostale") > 0
    assert all(point["url"].startswith("/") for point in points)
    assert 'href="#membres"' in html


def watch(page, site):
    """Console errors, CSP violations and requests to any other host, gathered while the page runs."""
    problems = []
    own_host = urlsplit(site.url).netloc
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http:", "https:"))
            and urlsplit(request.url).netloc != own_host
            and problems.append(f"third-party request: {request.url}")
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def markers(page, map_id):
    return page.locator(f"#{map_id} .leaflet-overlay-pane path.leaflet-interactive")


def test_the_home_page_maps_toulouse_partners(site, page):
    problems = watch(page, site)
    page.goto(site.url + "/")
    world = page.locator("#carte-partenaires .leaflet-world-pane path")
    expect(world.first).to_be_attached()  # the bundled outline, no tiles
    assert world.count() > 100
    assert page.locator("#carte-partenaires img.leaflet-tile").count() == 0
    assert markers(page, "carte-partenaires").count() == expected_home_points() >= 13

    region = page.get_by_role("region", name="Carte des partenaires de Toulouse")
    expect(region).to_be_visible()
    markers(page, "carte-partenaires").nth(3).click()
    popup_link = page.locator("#carte-partenaires .leaflet-popup-content a")
    expect(popup_link).to_have_attribute("href", re.compile(r"^/partenariats/"))

    page.get_by_role("link", name="Voir la liste").click()
    expect(page).to_have_url(re.compile(r"#partenaires$"))
    page.wait_for_load_state("networkidle")
    assert problems == []


def test_a_network_page_maps_its_members(site, page):
    problems = watch(page, site)
    page.goto(site.url + "/reseaux/aeropostale/")
    expect(page.locator("#carte-membres .leaflet-world-pane path").first).to_be_attached()
    expected = expected_member_points("aeropostale")
    assert expected > 0
    expect(markers(page, "carte-membres")).to_have_count(expected)
    region = page.get_by_role("region", name="Carte des villes membres")
    region.focus()  # Leaflet's keyboard support: the map takes the focus and pans with the arrows
    before = region.locator(".leaflet-map-pane").get_attribute("style")
    page.keyboard.press("ArrowRight")
    expect(region.locator(".leaflet-map-pane")).not_to_have_attribute("style", before)
    page.wait_for_load_state("networkidle")
    assert problems == []
