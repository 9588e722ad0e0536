"""A citizen takes part, in a real browser: sign up, verify, vote, comment."""

import re

from playwright.sync_api import expect

from proposals.models import Comment, Proposal, Vote
from tests.jobs import run_jobs


def test_a_citizen_signs_up_verifies_votes_and_comments(site, page, mailoutbox):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()

    # Anonymous: the vote buttons invite to sign in, and lead back to the proposal.
    page.goto(site.url + proposal.get_absolute_url())
    expect(page.get_by_role("link", name="Connectez-vous pour voter")).to_be_visible()

    page.goto(site.url + "/comptes/signup/")
    page.get_by_label("Courriel").fill("camille@example.org")
    page.get_by_label(re.compile(r"^Mot de passe \*?$")).fill("une-phrase-de-passe-solide")
    page.get_by_label("Mot de passe (confirmation)").fill("une-phrase-de-passe-solide")
    page.get_by_role("button", name="Création de compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Vérifiez|adresse", re.I))

    # The verification link is recorded by the sign-up (committed by the live server's
    # thread) and sent when the queue's jobs run, here on the test's thread.
    assert mailoutbox == []
    run_jobs()
    assert [message.to for message in mailoutbox] == [["camille@example.org"]]
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()

    page.goto(site.url + proposal.get_absolute_url())
    vote_box = page.locator(".vote-box")
    vote_box.get_by_role("button", name="Pour").click()
    expect(vote_box.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "true")
    expect(vote_box.locator(".vote-for")).to_contain_text("1")
    vote_box.get_by_role("button", name="Contre").click()
    expect(vote_box.locator(".vote-against")).to_contain_text("1")
    expect(vote_box.locator(".vote-for")).to_contain_text("0")
    assert Vote.objects.get(proposal=proposal).value == "contre"

    page.get_by_label("Votre commentaire").fill("Je soutiens, avec des évaluations publiques.")
    page.get_by_label("Votre position").select_option("pour")
    page.get_by_role("button", name="Publier").click()
    comment = page.locator(".comment").filter(has_text="évaluations publiques")
    expect(comment).to_be_visible()

    comment.get_by_role("link", name="Modifier").click()
    page.get_by_label("Votre commentaire").fill("Je soutiens, avec une évaluation publique chaque année.")
    page.get_by_role("button", name="Enregistrer").click()
    edited = page.locator(".comment").filter(has_text="chaque année")
    expect(edited).to_contain_text("(modifié)")

    edited.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_text("Message supprimé par son auteur.")).to_be_visible()
    assert Comment.objects.get(proposal=proposal).deleted_at is not None
