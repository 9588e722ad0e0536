"""Journeys in a real browser: a citizen reports a comment, staff hide it from the
moderation queue, and a visitor switches the site to English and back."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from mailing.models import Delivery, MessageKind
from proposals import services
from proposals.models import Report
from tests.e2e.a11y import PASSWORD, log_in
from tests.factories import ProposalFactory, StaffUserFactory, VerifiedUserFactory, totp_code, verify
from tests.jobs import run_jobs

OFFENDING = "Un commentaire qui insulte les autres participants."


def _reported_comment():
    """A proposal, a verified author's comment on it, and a verified citizen to report it."""
    proposal = ProposalFactory()
    author = VerifiedUserFactory(username="autrice")
    comment = services.comment_post(proposal=proposal, user=author, body=OFFENDING, alignment="contre")
    reporter = VerifiedUserFactory(username="signaleur")
    return proposal, comment, reporter


def _report_in_browser(page, base_url, proposal, comment, reporter):
    log_in(page, base_url, reporter)
    page.goto(base_url + proposal.get_absolute_url())
    article = page.locator(f"#commentaire-{comment.pk}")
    expect(article).to_contain_text(OFFENDING)
    article.get_by_text("Signaler", exact=True).click()
    article.get_by_label("Motif").select_option(label="Propos injurieux ou haineux")
    article.get_by_label("Précisions (facultatif)").fill("Insulte visant une autre participante.")
    article.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".messages")).to_contain_text(
        "Merci : votre signalement est transmis à l’équipe de modération."
    )


def test_a_citizen_reports_a_comment(site, page):
    proposal, comment, reporter = _reported_comment()

    _report_in_browser(page, site.url, proposal, comment, reporter)

    assert urlsplit(page.url).path == proposal.get_absolute_url()
    report = Report.objects.get()
    assert (report.reporter, report.comment, report.proposal) == (reporter, comment, None)
    assert (report.reason, report.details) == ("injure", "Insulte visant une autre participante.")
    assert report.resolved_at is None
    # One report does not hide anything: the comment is still shown.
    expect(page.locator(f"#commentaire-{comment.pk}")).to_contain_text(OFFENDING)


def test_staff_hide_a_reported_comment_with_a_reason(site, page, browser_context_factory, mailoutbox):
    proposal, comment, reporter = _reported_comment()
    _report_in_browser(page, site.url, proposal, comment, reporter)
    report = Report.objects.get()
    moderator = verify(StaffUserFactory(username="moderatrice"))

    # The admin's log-in is the site's, then the code of the moderator's authenticator app.
    staff_context = browser_context_factory(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.goto(site.url + "/admin/login/?next=/admin/proposals/report/")
    staff.locator("input[name=login]").fill(moderator.email)
    staff.locator("input[name=password]").fill(PASSWORD)
    staff.locator("input[name=password]").press("Enter")
    staff.wait_for_url(re.compile(r"/comptes/2fa/authenticate/$"))
    staff.locator("input[name=code]").fill(totp_code())
    staff.locator("input[name=code]").press("Enter")
    staff.wait_for_url(re.compile(r"/admin/proposals/report/$"))

    row = staff.locator("#result_list tbody tr").filter(has_text=OFFENDING[:40])
    expect(row).to_have_count(1)
    row.locator("input[name=_selected_action]").check()
    staff.locator("select[name=action]").select_option(label="Masquer (avec motif)")
    staff.locator("button[name=index]").click()

    expect(staff.get_by_role("heading", name="Masquer avec un motif")).to_be_visible()
    expect(staff.locator("#content")).to_contain_text(OFFENDING[:40])
    reason = "Propos injurieux envers une participante."
    staff.get_by_label("Motif").fill(reason)
    staff.get_by_role("button", name="Masquer", exact=True).click()

    staff.wait_for_url(re.compile(r"/admin/proposals/report/$"))
    expect(staff.locator(".messagelist")).to_contain_text("1 contenu masqué.")
    expect(row).to_contain_text("(masqué)")

    comment.refresh_from_db()
    report.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == reason
    assert report.resolved_at is not None

    # The public page: the reason instead of the text, for everyone.
    page.goto(site.url + proposal.get_absolute_url())
    article = page.locator(f"#commentaire-{comment.pk}")
    expect(article).to_contain_text(f"Commentaire masqué par la modération : {reason}")
    expect(article).not_to_contain_text(OFFENDING)
    expect(page.get_by_text(OFFENDING)).to_have_count(0)

    # The author's notice was recorded with the decision (committed by the live server's
    # thread); it leaves when the queue's jobs run, here on the test's thread.
    notices = Delivery.objects.filter(message__kind=MessageKind.MODERATION)
    assert [delivery.address for delivery in notices] == [comment.author.email]
    assert mailoutbox == []
    run_jobs()
    messages = [message for message in mailoutbox if comment.author.email in message.to]
    assert len(messages) == 1, [(m.to, m.subject) for m in mailoutbox]
    assert reason in messages[0].body
    assert [message.to for message in mailoutbox] == [[comment.author.email]]  # nobody else
    staff_context.close()


def test_the_language_switcher_keeps_the_page_and_its_query(site, page):
    page.goto(site.url + "/partenariats/?type=jumelage")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Partenariats")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Kiev")
    # Barcelone is a cooperation agreement, not a twinning: the filter holds.
    expect(main).not_to_contain_text("Barcelone")

    switcher = page.get_by_role("navigation", name="Langue du site")
    switcher.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == "/en/partenariats/"
    assert urlsplit(page.url).query == "type=jumelage"
    expect(nav.get_by_role("link", name="Partnerships")).to_be_visible()
    expect(main).to_contain_text("Kyiv")
    expect(main).not_to_contain_text("Kiev")
    expect(main).not_to_contain_text("Barcelona")
    switcher = page.get_by_role("navigation", name="Site language")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")

    # The whole list in English shows Barcelona under its English name too: links within
    # an English page stay in English.
    page.get_by_role("link", name="Partnerships").first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/en/partenariats/"
    expect(page.locator("main")).to_contain_text("Barcelona")
    expect(page.locator("main")).not_to_contain_text("Barcelone")
    page.go_back()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Site language").get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert urlsplit(page.url).path == "/partenariats/"
    assert urlsplit(page.url).query == "type=jumelage"
    expect(nav.get_by_role("link", name="Partenariats")).to_be_visible()
    expect(main).to_contain_text("Kiev")
    expect(main).not_to_contain_text("Kyiv")
    switcher = page.get_by_role("navigation", name="Langue du site")
    expect(switcher.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
