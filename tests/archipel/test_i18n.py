"""French at /…, English at /en/…, a link between them; place names and dates follow."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_site_is_in_french_by_default(client):
    response = client.get("/partenariats/")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert response["Content-Language"] == "fr"
    text = visible_text(response)
    assert "Partenariats" in text and "Réseaux" in text
    assert "Partnerships" not in text


def switcher(html: str) -> str:
    return re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)


def test_the_header_switcher_links_to_the_same_page_in_the_other_language(client):
    html = client.get("/partenariats/?pays=ES").content.decode()
    links = switcher(html)
    assert "<form" not in links and "csrfmiddlewaretoken" not in html
    assert re.search(
        r'<a href="/partenariats/\?pays=ES" hreflang="fr" lang="fr" aria-current="true">Français</a>', links
    )
    assert re.search(r'<a href="/en/partenariats/\?pays=ES" hreflang="en" lang="en">English</a>', links)
    assert '<link rel="alternate" hreflang="en" href="/en/partenariats/?pays=ES">' in html

    english = client.get("/en/partenariats/?pays=ES").content.decode()
    assert re.search(
        r'<a href="/partenariats/\?pays=ES" hreflang="fr" lang="fr">Français</a>', switcher(english)
    )
    assert re.search(
        r'<a href="/en/partenariats/\?pays=ES"[^>]*aria-current="true">English</a>', switcher(english)
    )
    assert '<link rel="alternate" hreflang="fr" href="/partenariats/?pays=ES">' in english


def test_english_pages_are_under_en(client):
    response = client.get("/en/partenariats/?pays=ES")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert response["Content-Language"] == "en"
    text = visible_text(response)
    for english in [
        "Partnerships",
        "Networks",
        "Recommendations",
        "Twinnings and cooperation agreements",
        "Filter",
    ]:
        assert english in text
    assert "Home Partnerships Networks Evaluation Recommendations" in text  # the navigation
    assert "Accueil" not in text and "Filtrer" not in text
    assert "Partner (Z → A)" in text and "Newest first" in text  # sorting labels too
    # Links within an English page stay in English.
    assert 'href="/en/reseaux/"' in html and 'href="/en/partenariats/toulouse-barcelone/"' in html


def test_the_language_comes_from_the_address_alone(client):
    """Neither the browser's Accept-Language nor a cookie changes a page: one address is
    one page for every visitor, which caches can keep."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="fr">' in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")
    client.cookies["django_language"] = "en"
    assert '<html lang="fr">' in client.get("/partenariats/").content.decode()
    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in response.content.decode()
    assert "Our objectives" in visible_text(response)


def test_the_former_language_form_is_gone(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 404


def test_place_names_are_shown_in_the_readers_language(client):
    french = visible_text(client.get("/partenariats/?pays=ES"))
    assert "Barcelone" in french
    assert "Espagne" in french

    english = visible_text(client.get("/en/partenariats/?pays=ES"))
    assert "Barcelona" in english
    assert "Barcelone" not in english
    assert "Spain" in english

    detail = client.get("/en/partenariats/toulouse-barcelone/")
    assert "Toulouse – Barcelona" in visible_text(detail)


def test_dates_follow_the_language(client):
    french = visible_text(client.get("/reseaux/aeropostale/"))
    assert "Création décembre 2011" in french

    english = visible_text(client.get("/en/reseaux/aeropostale/"))
    assert "Founded December 2011" in english
    assert "Toulouse member since December 2011" in english
    assert "December 2012 2e rencontre" in english  # a key date

    detail = visible_text(client.get("/en/partenariats/toulouse-barcelone/"))
    assert "March 3, 2023" in detail


def _entries(text):
    """(msgid, [msgstr...], flags) of each entry of a .po file, header excluded."""
    entries = []
    for block in text.strip().split("\n\n"):
        fields, flags, key = {}, "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            entries.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags))
    return entries


def test_every_string_of_the_english_catalogue_is_translated():
    entries = _entries(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 500
    untranslated = [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for msgid, msgstrs, _ in entries:
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstrs[0])), msgid
    assert CATALOGUE.with_suffix(".mo").exists()
