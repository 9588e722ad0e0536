"""Every public, account and participation page is well-formed HTML a screen reader can use.

A small checker on Python's html.parser (no validator dependency): the page has a lang,
one h1 and headings that never skip a level, unique ids, every <label for>, aria-describedby,
aria-labelledby and same-page link (#id) points to an existing id, elements are properly
nested and closed, no interactive element sits inside another, every form control has a
name a screen reader can read, and a field with an error names it in aria-describedby.
"""

import re
from html.parser import HTMLParser

import pytest

from proposals.models import Proposal
from tests.factories import verify

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag the HTML standard lets an author leave out.
OPTIONAL_END = {"li", "p", "option", "tr", "td", "th", "thead", "tbody", "dt", "dd", "optgroup"}
CONTROLS = {"input", "select", "textarea"}


class PageChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.stack = []
        self.ids = []
        self.references = []  # (attribute, id, tag)
        self.label_fors = set()
        self.controls = []  # (tag, attrs)
        self.headings = []
        self.html_lang = None
        self.labels_open = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        line = self.getpos()[0]
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in (attrs.get(name) or "").split():
                self.references.append((name, ref, f"<{tag}> line {line}"))
        if tag == "label" and attrs.get("for"):
            self.label_fors.add(attrs["for"])
            self.references.append(("label for", attrs["for"], f"<label> line {line}"))
        if tag == "a" and (attrs.get("href") or "").startswith("#") and len(attrs["href"]) > 1:
            self.references.append(("href", attrs["href"][1:], f"<a> line {line}"))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        # Nested interactive content: <a>/<button> inside <a>/<button>.
        if tag in {"a", "button"}:
            if any(open_tag in {"a", "button"} for open_tag, _ in self.stack):
                self.problems.append(f"<{tag}> line {line} is nested inside another link or button")
        if tag in CONTROLS and attrs.get("type") not in {"hidden", "submit", "button", "reset", "image"}:
            self.controls.append((tag, attrs, line, bool(self.labels_open)))
        if tag == "label":
            self.labels_open += 1
        if tag not in VOID:
            # An optional end tag is closed by its next sibling.
            if tag in OPTIONAL_END and self.stack and self.stack[-1][0] == tag:
                self.stack.pop()
            self.stack.append((tag, line))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.problems.append(f"<{tag}/> self-closed, line {self.getpos()[0]}")
            self.stack.pop()

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if tag in VOID:
            self.problems.append(f"</{tag}> end tag of a void element, line {line}")
            return
        if tag == "label":
            self.labels_open -= 1
        while self.stack and self.stack[-1][0] != tag and self.stack[-1][0] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1][0] != tag:
            expected = self.stack[-1] if self.stack else None
            self.problems.append(f"</{tag}> line {line} closes nothing open (open: {expected})")
            return
        self.stack.pop()

    def check(self):
        problems = list(self.problems)
        leftover = [t for t in self.stack if t[0] not in OPTIONAL_END]
        if leftover:
            problems.append(f"elements never closed: {leftover}")
        if not self.html_lang:
            problems.append("<html> has no lang")
        duplicates = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate ids: {duplicates}")
        ids = set(self.ids)
        for attribute, ref, where in self.references:
            if ref not in ids:
                problems.append(f"{attribute}={ref!r} on {where} points to no element")
        if self.headings.count(1) != 1:
            problems.append(f"{self.headings.count(1)} h1 on the page (want one): {self.headings}")
        previous = 0
        for level in self.headings:
            if level > previous + 1:
                problems.append(f"heading levels skip from h{previous} to h{level}: {self.headings}")
                break
            previous = level
        for tag, attrs, line, wrapped in self.controls:
            named = (
                wrapped
                or attrs.get("id") in self.label_fors
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
                or attrs.get("title")
            )
            if not named:
                problems.append(f"<{tag} name={attrs.get('name')!r}> line {line} has no label")
            if attrs.get("aria-invalid") == "true":
                described = (attrs.get("aria-describedby") or "").split()
                if not any(ref.endswith("_error") or "error" in ref for ref in described):
                    problems.append(
                        f"<{tag} name={attrs.get('name')!r}> has an error not in aria-describedby"
                    )
        return problems


def problems_in(html):
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    return checker.check()


def assert_valid(response, url):
    html = response.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>"), url
    problems = problems_in(html)
    assert not problems, f"{url}:\n  " + "\n  ".join(problems)


def official_proposal():
    return Proposal.objects.filter(is_official=True).order_by("pk").first()


PUBLIC_PAGES = [
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
    "PROPOSAL",
    "/comptes/login/",
    "/comptes/signup/",
    "/comptes/password/reset/",
    "/nouvelles/",
    "/evaluation/",
    "/donnees/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_valid_html(client, url):
    if url == "PROPOSAL":
        url = official_proposal().get_absolute_url()
    response = client.get(url)
    # A filter with an unknown value answers 400, with the filter form and its error.
    assert response.status_code == (400 if "ZZ" in url else 200), url
    assert_valid(response, url)


@pytest.mark.django_db
def test_the_404_page_is_valid_html(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert_valid(response, "404")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/comptes/signup/", {}),
        ("/comptes/login/", {}),
        ("/comptes/password/reset/", {}),
    ],
)
def test_forms_with_errors_are_valid_html(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200, url
    assert 'aria-invalid="true"' in response.content.decode(), url
    assert_valid(response, f"{url} (errors)")


@pytest.fixture
def signed_in(client, citizen):
    verify(citizen)
    client.force_login(citizen)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["PROPOSAL", "/preconisations/proposer/", "/profil/", "/profil/supprimer/", "/comptes/email/"]
)
def test_signed_in_pages_are_valid_html(signed_in, url):
    if url == "PROPOSAL":
        url = official_proposal().get_absolute_url()
    response = signed_in.get(url)
    assert response.status_code == 200, url
    assert_valid(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["COMMENT", "/preconisations/proposer/", "/profil/nom/"])
def test_signed_in_forms_with_errors_are_valid_html(signed_in, url):
    if url == "COMMENT":
        url = official_proposal().get_absolute_url() + "commentaires/"
    # The browser always sends the CSRF token: an empty POST would leave the form unbound.
    response = signed_in.post(url, {"csrfmiddlewaretoken": "x"})
    assert response.status_code in (200, 400), url
    html = response.content.decode()
    assert 'aria-invalid="true"' in html, url
    assert_valid(response, f"{url} (errors)")


def test_the_checker_finds_what_it_looks_for():
    html = """<!doctype html><html><body><h1>A</h1><h3>B</h3>
      <p id="x"></p><p id="x"></p><label for="nowhere">L</label><input name="q">
      <a href="/"><button>B</button></a><input name="e" aria-invalid="true"><div></span></body></html>"""
    found = "\n".join(problems_in(html))
    for expected in [
        "no lang",
        "skip from h1 to h3",
        "duplicate ids: ['x']",
        "'nowhere'",
        "name='q'",
        "nested",
        "name='e'> has an error",
        "</span>",
    ]:
        assert expected in found, expected
