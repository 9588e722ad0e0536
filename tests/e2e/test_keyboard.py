"""Keyboard only: a citizen votes and comments with Tab, Shift+Tab, Enter and Space, no mouse."""

from playwright.sync_api import expect

from proposals.models import Comment, Proposal
from tests.factories import VerifiedUserFactory

from .a11y import log_in

MAX_TABS = 80


def focused(page):
    """What has the focus: tag, id, name, text and whether its focus ring shows."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const style = getComputedStyle(e);
          return {
            tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
            text: (e.innerText || '').trim(), href: e.getAttribute('href'),
            outline: style.outlineStyle, outlineWidth: style.outlineWidth, boxShadow: style.boxShadow,
          };
        }"""
    )


def tab_to(page, matches, key="Tab"):
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never comes."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        element = focused(page)
        if matches(element):
            return element
        seen.append(f"{element['tag']}#{element['id']} {element['text'][:30]!r}")
    raise AssertionError(f"never reached by {key}; focus went through:\n  " + "\n  ".join(seen))


def assert_focus_visible(element):
    shows = (element["outline"] != "none" and element["outlineWidth"] != "0px") or element[
        "boxShadow"
    ] != "none"
    assert shows, f"no visible focus on {element}"


def test_a_citizen_votes_and_comments_with_the_keyboard_alone(site, page):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    user = VerifiedUserFactory(username="clavier", display_name="Dominique")
    log_in(page, site.url, user)
    page.goto(site.url + proposal.get_absolute_url())

    # The first Tab lands on the skip link, visibly; Enter takes the focus to the main content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert (skip["tag"], skip["text"]) == ("a", "Aller au contenu principal")
    assert_focus_visible(skip)
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "contenu"

    # From the main content, Tab reaches "Pour"; Space votes.
    pour = tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Pour")
    assert_focus_visible(pour)
    vote_box = page.locator(".vote-box")
    expect(vote_box.locator(".vote-for")).to_contain_text("0")
    page.keyboard.press("Space")
    expect(vote_box.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "true")
    expect(vote_box.locator(".vote-for")).to_contain_text("1")
    expect(page.locator("#vote-status")).to_have_text("Votre vote a été enregistré.")
    # The box was swapped in place: the focus stays on the button just pressed.
    assert focused(page)["text"] == "Pour"

    # On to the comment form: the textarea, then the position, and back with Shift+Tab.
    tab_to(page, lambda e: e["tag"] == "textarea" and e["name"] == "body")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "alignment"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "body"
    page.keyboard.type("Je soutiens, écrit au clavier seulement.")
    publish = tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Publier")
    assert_focus_visible(publish)
    page.keyboard.press("Enter")

    comment = page.locator(".comment").filter(has_text="écrit au clavier seulement")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Dominique")
    assert (
        Comment.objects.get(proposal=proposal, author=user).body == "Je soutiens, écrit au clavier seulement."
    )


def test_every_control_on_the_proposal_page_is_reachable_and_named(site, page):
    """Tab goes through every link, button and field of the page, in document order, each named."""
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    user = VerifiedUserFactory(username="clavier2")
    log_in(page, site.url, user)
    page.goto(site.url + proposal.get_absolute_url())
    expected = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
              .filter(e => e.offsetParent !== null || e.classList.contains('skip-link'))
              .filter(e => !e.closest('details:not([open])') || e.tagName === 'SUMMARY')
              .map(e => e.outerHTML.slice(0, 120))"""
    )
    reached = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        html, name = page.evaluate(
            """() => { const e = document.activeElement;
                 const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
                 return [e.outerHTML.slice(0, 120),
                         (e.getAttribute('aria-label') || label || e.innerText || e.value || '').trim()]; }"""
        )
        if reached and html == reached[0][0]:
            break
        if html.startswith("<body"):
            continue
        reached.append((html, name))
    assert len(expected) > 20, expected
    assert [html for html, _ in reached][: len(expected)] == expected
    unnamed = [html for html, name in reached if not name]
    assert not unnamed, f"controls without an accessible name: {unnamed}"
