"""The participation admin, through HTTP: who gets in, the moderation actions with their
reason page, the official answer and its e-mails after commit, no page of votes per
user, and changelists in a fixed number of queries."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Report, ReportReason, Topic, VoteValue
from tests.proposals.test_services import make_proposal, verified_user

pytestmark = pytest.mark.django_db

CHANGELISTS = ["proposals_proposal", "proposals_comment", "proposals_report"]


def changelist(name):
    return reverse(f"admin:{name}_changelist")


@pytest.fixture
def author(db):
    return verified_user(username="autrice")


@pytest.fixture
def proposal(author):
    return make_proposal(author=author)


@pytest.fixture
def comment(proposal, author):
    return services.comment_post(proposal=proposal, user=author, body="Un commentaire d’essai un peu vif.")


# Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_redirects_anonymous_visitors_to_the_login(client, name):
    response = client.get(changelist(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_refuses_citizens(citizen_client, name):
    response = citizen_client.get(changelist(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", CHANGELISTS)
@pytest.mark.parametrize("params", [{}, {"q": "essai"}], ids=["list", "search"])
def test_it_shows_every_changelist_to_staff(staff_client, comment, name, params):
    services.report_create(
        user=verified_user(username="lectrice"), reason=ReportReason.ABUSE, comment=comment
    )

    response = staff_client.get(changelist(name), params)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


@pytest.mark.parametrize(
    "name, params",
    [
        ("proposals_proposal", {"status": "publiee", "is_hidden__exact": "0", "is_official__exact": "0"}),
        ("proposals_comment", {"is_hidden__exact": "0", "deleted_at__isempty": "1"}),
        ("proposals_report", {"resolved_at__isempty": "1", "reason": "injure"}),
    ],
)
def test_it_filters_changelists(staff_client, comment, name, params):
    services.report_create(
        user=verified_user(username="lectrice"), reason=ReportReason.ABUSE, comment=comment
    )

    response = staff_client.get(changelist(name), params)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_it_shows_staff_who_reported_what_open_reports_first(staff_client, comment, proposal):
    first, second = verified_user(username="lectrice"), verified_user(username="lecteur")
    old = services.report_create(
        user=first, reason=ReportReason.SPAM, details="Lien publicitaire", comment=comment
    )
    Report.objects.filter(pk=old.pk).update(resolved_at="2020-01-01T00:00:00Z")
    services.report_create(user=second, reason=ReportReason.ABUSE, proposal=proposal)

    response = staff_client.get(changelist("proposals_report"))

    assert response.status_code == 200
    reports = list(response.context["cl"].result_list)
    assert [report.reporter for report in reports] == [second, first]
    page = response.content.decode()
    assert "lectrice" in page and "lecteur" in page and "Lien publicitaire" in page


def test_it_has_no_page_of_votes(staff_client, proposal, author):
    services.vote_cast(proposal=proposal, user=verified_user(username="votante"), value=VoteValue.FOR)

    assert staff_client.get("/admin/proposals/vote/").status_code == 404
    page = staff_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "votante" not in page


# Moderation actions ----------------------------------------------------------------------


def _action(name, pks, **data):
    return {"action": name, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **data}


def test_it_asks_for_a_reason_before_hiding(staff_client, comment):
    response = staff_client.post(changelist("proposals_comment"), _action("hide", [comment.pk]))

    assert response.status_code == 200
    assert "Motif" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_it_hides_a_comment_with_a_reason_and_mails_its_author(
    staff_client, comment, author, proposal, django_capture_on_commit_callbacks
):
    reporter = verified_user(username="lectrice")
    services.report_create(user=reporter, reason=ReportReason.ABUSE, comment=comment)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist("proposals_comment"),
            _action("hide", [comment.pk], apply="yes", reason="Propos injurieux envers un élu."),
        )

    assert response.status_code == 302
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Propos injurieux envers un élu."
    assert proposal.comment_count == 0
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "Propos injurieux envers un élu." in message.body
    listing = staff_client.get(changelist("proposals_comment")).content.decode()
    assert "1 contenu masqué." in listing
    page = staff_client.get(reverse("admin:proposals_comment_change", args=[comment.pk])).content.decode()
    assert "Propos injurieux envers un élu." in page


def test_it_refuses_to_hide_without_a_reason_and_writes_nothing(staff_client, comment):
    response = staff_client.post(
        changelist("proposals_comment"), _action("hide", [comment.pk], apply="yes", reason="  ")
    )

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert mail.outbox == []


def test_it_hides_and_restores_a_proposal(staff_client, proposal, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            changelist("proposals_proposal"),
            _action("hide", [proposal.pk], apply="yes", reason="Hors sujet."),
        )
    proposal.refresh_from_db()
    assert (proposal.is_hidden, proposal.hidden_reason) == (True, "Hors sujet.")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist("proposals_proposal"), _action("restore", [proposal.pk], apply="yes", reason="")
        )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.is_hidden, proposal.hidden_reason) == (False, "")
    assert [message.subject for message in mail.outbox] == [
        "Votre préconisation a été masquée",
        "Votre préconisation est de nouveau visible",
    ]
    assert all(message.to == [author.email] for message in mail.outbox)


def test_it_restores_a_comment_hidden_by_reports_from_the_queue(
    staff_client, comment, proposal, django_capture_on_commit_callbacks
):
    for n in range(3):
        services.report_create(user=verified_user(username=f"lecteur{n}"), reason="spam", comment=comment)
    comment.refresh_from_db()
    assert comment.is_hidden
    report = Report.objects.filter(comment=comment).first()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist("proposals_report"),
            _action("restore", [report.pk], apply="yes", reason="Critique vive mais correcte."),
        )

    assert response.status_code == 302
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert not comment.is_hidden
    assert proposal.comment_count == 1
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    assert "Critique vive mais correcte." in mail.outbox[-1].body


def test_it_restores_nothing_that_is_not_hidden(staff_client, comment):
    response = staff_client.post(
        changelist("proposals_comment"), _action("restore", [comment.pk], apply="yes", reason="")
    )

    assert response.status_code == 302
    assert mail.outbox == []


def test_it_closes_reports_without_hiding(staff_client, comment):
    report = services.report_create(user=verified_user(username="lectrice"), reason="spam", comment=comment)

    response = staff_client.post(changelist("proposals_report"), _action("mark_resolved", [report.pk]))

    assert response.status_code == 302
    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.resolved_at is not None
    assert not comment.is_hidden


# Official answer -------------------------------------------------------------------------


def _change_form_data(proposal, **changes):
    data = {
        "topic": proposal.topic_id,
        "title": proposal.title,
        "slug": proposal.slug,
        "body": proposal.body,
        "tags": "",
        "themes": [],
        "status": proposal.status,
        "official_answer": proposal.official_answer,
    }
    if proposal.is_official:
        data["is_official"] = "on"
    return data | changes


def test_it_publishes_the_official_answer_and_mails_author_and_voters_after_commit(
    staff_client, proposal, author, django_capture_on_commit_callbacks
):
    voters = [verified_user(username=f"votant{n}") for n in range(2)]
    for voter in voters:
        services.vote_cast(proposal=proposal, user=voter, value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(
            url,
            _change_form_data(
                proposal, status=ProposalStatus.UNDER_STUDY, official_answer="La Ville étudie la proposition."
            ),
        )
        assert mail.outbox == []  # not before the admin's transaction commits

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(callbacks) == 1
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.UNDER_STUDY
    assert proposal.official_answer == "La Ville étudie la proposition."
    assert proposal.answered_at is not None
    assert (proposal.votes_for, proposal.votes_against) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [author.email, *[v.email for v in voters]]
    )
    assert all(len(message.to) == 1 and not message.bcc for message in mail.outbox)


def test_it_sends_nothing_when_the_answer_does_not_change(
    staff_client, proposal, django_capture_on_commit_callbacks
):
    services.vote_cast(proposal=proposal, user=verified_user(username="votante"), value=VoteValue.AGAINST)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, _change_form_data(proposal, title="Un titre plus clair"))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Un titre plus clair"
    assert proposal.answered_at is None
    assert (proposal.votes_for, proposal.votes_against) == (0, 1)
    assert mail.outbox == []


def test_it_keeps_the_counters_read_only(staff_client, proposal):
    services.vote_cast(proposal=proposal, user=verified_user(username="votante"), value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    response = staff_client.post(url, _change_form_data(proposal, votes_for="999", comment_count="50"))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.votes_for, proposal.comment_count) == (1, 0)


def test_it_refuses_an_unknown_status_and_writes_nothing(staff_client, proposal):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    response = staff_client.post(url, _change_form_data(proposal, status="inventee", official_answer="Non."))

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.status, proposal.official_answer) == (ProposalStatus.PUBLISHED, "")
    assert mail.outbox == []


def test_it_adds_an_official_proposal(staff_client):
    data = {
        "topic": Topic.objects.get(is_home=True).pk,
        "title": "Une Maison de l’Europe",
        "slug": "maison-europe",
        "body": "Un lieu ouvert à tous.",
        "tags": "europe, jeunesse",
        "is_official": "on",
        "status": ProposalStatus.PUBLISHED,
        "official_answer": "",
    }

    response = staff_client.post(reverse("admin:proposals_proposal_add"), data)

    assert response.status_code == 302
    added = Proposal.objects.get(slug="maison-europe")
    assert added.is_official and added.author is None
    assert sorted(added.tags.names()) == ["europe", "jeunesse"]


# Constant queries ------------------------------------------------------------------------


def _make_rows(name, rows):
    author = verified_user(username=f"auteur-{name}")
    for n in range(rows):
        proposal = make_proposal(author=author)
        comment = services.comment_post(proposal=proposal, user=author, body=f"Commentaire {n}")
        if name == "proposals_report":
            services.report_create(
                user=verified_user(username=f"lecteur-{n}"), reason="spam", comment=comment
            )


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_lists_in_a_fixed_number_of_queries(staff_client, name):
    def count_queries(rows):
        Report.objects.all().delete()
        Comment.objects.all().delete()
        Proposal.objects.all().delete()
        _make_rows(name, rows)
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(changelist(name))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == rows
        return len(context.captured_queries)

    few, many = count_queries(2), count_queries(30)

    assert few == many
    assert many <= 15
