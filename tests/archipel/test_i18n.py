"""French by default, English from the header switcher; place names and dates follow."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def switch_to(client, language, next_url):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_the_site_is_in_french_by_default(client):
    response = client.get("/partenariats/")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    text = visible_text(response)
    assert "Partenariats" in text and "Réseaux" in text
    assert "Partnerships" not in text


def test_the_header_switcher_posts_to_set_language_and_keeps_the_page(client):
    html = client.get("/partenariats/?pays=ES").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', html, re.S).group(0)
    assert 'action="/i18n/setlang/"' in form and 'method="post"' in form
    assert 'name="next" value="/partenariats/?pays=ES"' in form
    assert re.search(
        r'<button[^>]*value="fr"[^>]*lang="fr"[^>]*aria-current="true"[^>]*>Français</button>', form
    )
    assert re.search(r'<button[^>]*value="en"[^>]*lang="en"[^>]*>English</button>', form)
    assert 'value="en" lang="en" class="link-button" aria-current' not in form


def test_switching_to_english_keeps_the_current_page(client):
    response = switch_to(client, "en", "/partenariats/?pays=ES")
    assert response.status_code == 302
    assert response["Location"] == "/partenariats/?pays=ES"

    response = client.get(response["Location"])
    html = response.content.decode()
    assert '<html lang="en">' in html
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
    assert re.search(r'<button[^>]*value="en"[^>]*aria-current="true"[^>]*>English</button>', html)

    # ...and back to French.
    switch_to(client, "fr", "/partenariats/")
    assert '<html lang="fr">' in client.get("/partenariats/").content.decode()


def test_an_english_browser_gets_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in response.content.decode()
    assert "Our objectives" in visible_text(response)


def test_place_names_are_shown_in_the_readers_language(client):
    french = visible_text(client.get("/partenariats/?pays=ES"))
    assert "Barcelone" in french
    assert "Espagne" in french

    switch_to(client, "en", "/partenariats/?pays=ES")
    english = visible_text(client.get("/partenariats/?pays=ES"))
    assert "Barcelona" in english
    assert "Barcelone" not in english
    assert "Spain" in english

    detail = client.get("/partenariats/toulouse-barcelone/")
    assert "Toulouse – Barcelona" in visible_text(detail)


def test_dates_follow_the_language(client):
    french = visible_text(client.get("/reseaux/aeropostale/"))
    assert "Création décembre 2011" in french

    switch_to(client, "en", "/reseaux/aeropostale/")
    english = visible_text(client.get("/reseaux/aeropostale/"))
    assert "Founded December 2011" in english
    assert "Toulouse member since December 2011" in english
    assert "December 2012 2e rencontre" in english  # a key date

    detail = visible_text(client.get("/partenariats/toulouse-barcelone/"))
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
