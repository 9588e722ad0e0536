import pytest
from django.test import Client

from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Report, Topic, Vote
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The shared `proposal` (tests/factories.py), as these tests read it: Archipel's own, its
# body with a link and markup to escape.
@pytest.fixture
def proposal__title():
    return "Des jumelages pour la transition"


@pytest.fixture
def proposal__body():
    return "Choisir des villes partenaires engagées.\n\nVoir https://example.org/projet <b>gras</b>"


@pytest.fixture
def proposal__is_official():
    return True


# Reading ---------------------------------------------------------------------------------


def test_it_lists_proposals_with_filters_and_sorts(client, proposal, verified_citizen):
    proposal.tags.add("jumelage")
    other = services.proposal_create(
        user=verified_citizen,
        topic=proposal.topic,
        title="Un guichet européen",
        body="Aider les porteurs de projets.",
        tags=["fonds européens"],
    )
    services.vote_cast(proposal=other, user=verified_citizen, value="pour")
    text = visible_text(client.get("/preconisations/?etiquette=jumelage"))
    assert "Des jumelages pour la transition" in text and "Un guichet européen" not in text
    text = visible_text(client.get("/preconisations/?tri=soutien&q=guichet+europeen"))
    assert "Un guichet européen" in text and "1 préconisation" in text


@pytest.mark.parametrize("query", ["etiquette=inconnue", "statut=perdue", "tri=hasard", "axe=nulle"])
def test_it_refuses_unknown_filter_values(client, query):
    response = client.get(f"/preconisations/?{query}")
    assert response.status_code == 400
    assert "Certains filtres n’ont pas été appliqués" in visible_text(response)


def test_the_list_keeps_a_fixed_number_of_queries(verified_citizen, assert_constant_queries):
    topic = Topic.objects.get(is_home=True)

    def add(start, stop):
        for number in range(start, stop):
            p = Proposal.objects.create(
                topic=topic,
                title=f"P {number}",
                slug=f"p-{number}",
                body="…",
                status=ProposalStatus.UNDER_STUDY,
            )
            p.tags.add(f"tag{number}")
            services.vote_cast(proposal=p, user=verified_citizen, value="pour")

    add(0, 2)
    signed_in = _logged_in(verified_citizen)
    # filter choices (tags, axes), count, ids, rows, tags, themes, my votes, verification,
    # session and user
    assert_constant_queries(
        lambda: signed_in.get("/preconisations/?statut=en-etude"), lambda: add(2, 30), at_most=12
    )


def test_it_escapes_text_and_links_urls_safely(client, proposal):
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert '<a href="https://example.org/projet" rel="nofollow">' in html


def test_a_detail_page_with_many_comments_keeps_a_fixed_number_of_queries(
    client, proposal, verified_citizen, assert_constant_queries
):
    def add(count):
        for _ in range(count):
            parent = Comment.objects.create(proposal=proposal, author=verified_citizen, body="Oui.")
            Comment.objects.create(proposal=proposal, author=verified_citizen, body="Non.", parent=parent)

    add(2)
    assert_constant_queries(lambda: client.get(proposal.get_absolute_url()), lambda: add(40), at_most=9)


def test_anonymous_visitors_are_invited_to_sign_in_to_vote(client, proposal):
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Connectez-vous pour voter" in html
    assert f"/comptes/login/?next=/preconisations/{proposal.slug}/" in html


# Voting ----------------------------------------------------------------------------------


def test_it_votes_changes_and_withdraws_without_javascript(proposal, verified_citizen):
    client = _logged_in(verified_citizen)
    url = f"/preconisations/{proposal.slug}/vote/"
    response = client.post(url, {"value": "pour"})
    assert response.status_code == 302 and response["Location"].endswith("#vote")
    proposal.refresh_from_db()
    assert (proposal.votes_for, proposal.votes_against) == (1, 0)
    client.post(url, {"value": "contre"})
    proposal.refresh_from_db()
    assert (proposal.votes_for, proposal.votes_against) == (0, 1)
    assert Vote.objects.get().value == "contre"
    client.post(url, {"value": "retirer"})
    proposal.refresh_from_db()
    assert (proposal.votes_for, proposal.votes_against) == (0, 0)
    assert not Vote.objects.exists()


def test_it_answers_htmx_with_the_vote_box(proposal, verified_citizen):
    client = _logged_in(verified_citizen)
    response = client.post(
        f"/preconisations/{proposal.slug}/vote/", {"value": "pour"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="vote-box-' in html and "<strong>1</strong> pour" in html
    assert "Votre vote a été enregistré." in html  # announced to screen readers
    assert "<html" not in html


def test_a_bad_vote_value_is_refused_and_writes_nothing(proposal, verified_citizen):
    response = _logged_in(verified_citizen).post(
        f"/preconisations/{proposal.slug}/vote/", {"value": "peut-etre"}
    )
    assert response.status_code == 400
    assert "Un vote est « pour » ou « contre »." in visible_text(response)
    assert not Vote.objects.exists()


def test_anonymous_votes_go_to_log_in_and_write_nothing(client, proposal):
    response = client.post(f"/preconisations/{proposal.slug}/vote/", {"value": "pour"})
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert not Vote.objects.exists()


def test_unverified_users_are_told_to_verify_and_write_nothing(proposal, citizen):
    response = _logged_in(citizen).post(f"/preconisations/{proposal.slug}/vote/", {"value": "pour"})
    assert response.status_code == 403
    assert "Vérifiez votre adresse e-mail" in visible_text(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("status", [ProposalStatus.WITHDRAWN, ProposalStatus.REJECTED])
def test_votes_are_closed_on_withdrawn_and_rejected_proposals(proposal, verified_citizen, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    response = _logged_in(verified_citizen).post(f"/preconisations/{proposal.slug}/vote/", {"value": "pour"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_votes_need_csrf(proposal, verified_citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(verified_citizen)
    assert client.post(f"/preconisations/{proposal.slug}/vote/", {"value": "pour"}).status_code == 403
    assert not Vote.objects.exists()


def test_get_on_a_write_url_writes_nothing(proposal, verified_citizen):
    assert _logged_in(verified_citizen).get(f"/preconisations/{proposal.slug}/vote/").status_code == 405


def test_voting_is_rate_limited_with_a_french_page(proposal, verified_citizen, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60)}
    from django.core.cache import cache

    cache.clear()
    client = _logged_in(verified_citizen)
    url = f"/preconisations/{proposal.slug}/vote/"
    client.post(url, {"value": "pour"})
    client.post(url, {"value": "contre"})
    response = client.post(url, {"value": "pour"})
    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    assert Vote.objects.get().value == "contre"


# Proposing -------------------------------------------------------------------------------


def test_a_verified_citizen_proposes_and_it_is_published_at_once(verified_citizen, client):
    signed_in = _logged_in(verified_citizen)
    response = signed_in.post(
        "/preconisations/proposer/",
        {
            "title": "Un fonds pour les petites associations",
            "body": "Un appel à projets annuel.",
            "tags": "solidarité, associations",
            "themes": ["justice-sociale-et-solidarite"],
        },
    )
    proposal = Proposal.objects.get(title="Un fonds pour les petites associations")
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.author == verified_citizen and proposal.status == ProposalStatus.PUBLISHED
    assert sorted(proposal.tags.names()) == ["associations", "solidarité"]
    assert "Un fonds pour les petites associations" in visible_text(client.get("/preconisations/"))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "body": "x"}, "Donnez un titre à votre préconisation."),
        ({"title": "x" * 200, "body": "x"}, "160"),
        ({"title": "Titre", "body": ""}, "Décrivez votre préconisation."),
        ({"title": "Titre", "body": "x", "themes": ["inconnu"]}, "Cet axe n’existe pas."),
        (
            {"title": "Titre", "body": "x", "tags": "a, " + "b" * 50},
            "Une étiquette fait au plus 40 caractères.",
        ),
    ],
)
def test_bad_proposals_are_refused_with_a_french_message(verified_citizen, data, message):
    response = _logged_in(verified_citizen).post("/preconisations/proposer/", data)
    assert response.status_code == 400
    assert message in visible_text(response)
    assert not Proposal.objects.filter(author=verified_citizen).exists()


def test_authors_edit_until_the_first_vote(verified_citizen, verified_other_citizen):
    proposal = services.proposal_create(
        user=verified_citizen, topic=Topic.objects.get(is_home=True), title="Avant", body="Texte"
    )
    client = _logged_in(verified_citizen)
    edit = f"/preconisations/{proposal.slug}/modifier/"
    assert client.post(edit, {"title": "Après", "body": "Texte"}).status_code == 302
    services.vote_cast(proposal=proposal, user=verified_other_citizen, value="pour")
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Encore", "body": "Texte"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "Après"


def test_only_the_author_edits_or_withdraws(verified_citizen, verified_other_citizen):
    proposal = services.proposal_create(
        user=verified_citizen, topic=Topic.objects.get(is_home=True), title="À moi", body="Texte"
    )
    intruder = _logged_in(verified_other_citizen)
    assert (
        intruder.post(
            f"/preconisations/{proposal.slug}/modifier/", {"title": "Pris", "body": "x"}
        ).status_code
        == 403
    )
    assert intruder.post(f"/preconisations/{proposal.slug}/retirer/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "À moi" and proposal.status == ProposalStatus.PUBLISHED
    assert _logged_in(verified_citizen).post(f"/preconisations/{proposal.slug}/retirer/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


# Comments --------------------------------------------------------------------------------


def test_comments_replies_edit_and_soft_delete(proposal, verified_citizen, verified_other_citizen, client):
    author = _logged_in(verified_citizen)
    author.post(f"/preconisations/{proposal.slug}/commentaires/", {"body": "Bonne idée", "alignment": "pour"})
    comment = Comment.objects.get()
    _logged_in(verified_other_citizen).post(
        f"/preconisations/{proposal.slug}/commentaires/", {"body": "Je réponds", "parent": comment.pk}
    )
    reply = Comment.objects.get(parent=comment)
    author.post(f"/preconisations/commentaires/{comment.pk}/modifier/", {"body": "Très bonne idée"})
    text = visible_text(client.get(proposal.get_absolute_url()))
    assert "Très bonne idée" in text and "(modifié)" in text and "Je réponds" in text
    author.post(f"/preconisations/commentaires/{comment.pk}/supprimer/")
    text = visible_text(client.get(proposal.get_absolute_url()))
    assert "Message supprimé par son auteur." in text and "Très bonne idée" not in text
    assert "Je réponds" in text
    reply.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


def test_replies_are_one_level_deep(proposal, verified_citizen):
    client = _logged_in(verified_citizen)
    top = Comment.objects.create(proposal=proposal, author=verified_citizen, body="1")
    reply = Comment.objects.create(proposal=proposal, author=verified_citizen, body="2", parent=top)
    response = client.post(
        f"/preconisations/{proposal.slug}/commentaires/", {"body": "3", "parent": reply.pk}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("body, message", [("   ", "Le commentaire est vide."), ("x" * 2001, "au plus 2000")])
def test_bad_comments_are_refused(proposal, verified_citizen, body, message):
    response = _logged_in(verified_citizen).post(
        f"/preconisations/{proposal.slug}/commentaires/", {"body": body}
    )
    assert response.status_code == 400
    assert message in visible_text(response)
    assert not Comment.objects.exists()


def test_no_comment_on_a_hidden_proposal(proposal, verified_citizen):
    Proposal.objects.filter(pk=proposal.pk).update(is_hidden=True, hidden_reason="Hors charte")
    response = _logged_in(verified_citizen).post(
        f"/preconisations/{proposal.slug}/commentaires/", {"body": "Bonjour"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_others_cannot_edit_or_delete_a_comment(proposal, verified_citizen, verified_other_citizen):
    comment = Comment.objects.create(proposal=proposal, author=verified_citizen, body="À moi")
    intruder = _logged_in(verified_other_citizen)
    assert (
        intruder.post(f"/preconisations/commentaires/{comment.pk}/modifier/", {"body": "Pris"}).status_code
        == 403
    )
    assert intruder.post(f"/preconisations/commentaires/{comment.pk}/supprimer/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "À moi" and comment.deleted_at is None


def test_three_reports_hide_a_comment(proposal, verified_citizen, verified_user_factory, client):
    comment = Comment.objects.create(proposal=proposal, author=verified_citizen, body="Propos douteux")
    for _ in range(3):
        reporter = _logged_in(verified_user_factory())
        response = reporter.post(
            f"/preconisations/commentaires/{comment.pk}/signaler/", {"reason": "injure", "details": "insulte"}
        )
        assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and Report.objects.filter(comment=comment).count() == 3
    text = visible_text(client.get(proposal.get_absolute_url()))
    assert "Commentaire masqué par la modération" in text and "Propos douteux" not in text


def test_a_report_with_an_unknown_reason_is_refused(proposal, verified_citizen, verified_other_citizen):
    comment = Comment.objects.create(proposal=proposal, author=verified_citizen, body="Texte")
    response = _logged_in(verified_other_citizen).post(
        f"/preconisations/commentaires/{comment.pk}/signaler/", {"reason": "x"}
    )
    assert response.status_code == 400
    assert "Motif inconnu." in visible_text(response)
    assert not Report.objects.exists()
