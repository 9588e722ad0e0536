"""The participation admin, through HTTP: who gets in, the moderation actions with their
reason page, the official answer and its e-mails (recorded with the change, sent by the
queue's jobs, only when staff ask), no page of votes per user, and changelists in a
fixed number of queries."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mailing.models import Delivery, DeliveryState, Message, MessageKind
from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Report, ReportReason, Topic, VoteValue
from tests.factories import ProposalFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = ["proposals_proposal", "proposals_comment", "proposals_report"]


def changelist(name):
    return reverse(f"admin:{name}_changelist")


@pytest.fixture
def proposal__author(author):
    """The shared `proposal` (tests/factories.py) is by the shared `author`."""
    return author


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
        user=VerifiedUserFactory(username="lectrice"), reason=ReportReason.ABUSE, comment=comment
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
        user=VerifiedUserFactory(username="lectrice"), reason=ReportReason.ABUSE, comment=comment
    )

    response = staff_client.get(changelist(name), params)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_it_shows_staff_who_reported_what_open_reports_first(staff_client, comment, proposal):
    first, second = VerifiedUserFactory(username="lectrice"), VerifiedUserFactory(username="lecteur")
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
    services.vote_cast(proposal=proposal, user=VerifiedUserFactory(username="votante"), value=VoteValue.FOR)

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


def test_it_hides_a_comment_with_a_reason_and_mails_its_author(staff_client, comment, author, proposal, jobs):
    reporter = VerifiedUserFactory(username="lectrice")
    services.report_create(user=reporter, reason=ReportReason.ABUSE, comment=comment)

    response = staff_client.post(
        changelist("proposals_comment"),
        _action("hide", [comment.pk], apply="yes", reason="Propos injurieux envers un élu."),
    )
    assert mail.outbox == []  # recorded with the change, sent by the job
    jobs.run()

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
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
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
    assert not Message.objects.exists()


def test_it_hides_and_restores_a_proposal(staff_client, proposal, author, jobs):
    staff_client.post(
        changelist("proposals_proposal"),
        _action("hide", [proposal.pk], apply="yes", reason="Hors sujet."),
    )
    proposal.refresh_from_db()
    assert (proposal.is_hidden, proposal.hidden_reason) == (True, "Hors sujet.")
    jobs.run()

    response = staff_client.post(
        changelist("proposals_proposal"), _action("restore", [proposal.pk], apply="yes", reason="")
    )
    assert len(mail.outbox) == 1  # the restore notice waits for its job
    jobs.run()

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.is_hidden, proposal.hidden_reason) == (False, "")
    assert [message.subject for message in mail.outbox] == [
        "Votre préconisation a été masquée",
        "Votre préconisation est de nouveau visible",
    ]
    assert all(message.to == [author.email] for message in mail.outbox)


def test_it_restores_a_comment_hidden_by_reports_from_the_queue(
    staff_client, comment, proposal, author, jobs
):
    for n in range(3):
        services.report_create(
            user=VerifiedUserFactory(username=f"lecteur{n}"), reason="spam", comment=comment
        )
    comment.refresh_from_db()
    assert comment.is_hidden
    report = Report.objects.filter(comment=comment).first()

    response = staff_client.post(
        changelist("proposals_report"),
        _action("restore", [report.pk], apply="yes", reason="Critique vive mais correcte."),
    )
    assert mail.outbox == []
    jobs.run()

    assert response.status_code == 302
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert not comment.is_hidden
    assert proposal.comment_count == 1
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    hidden, restored = mail.outbox  # the notice of the hiding by reports, then this one
    assert [hidden.to, restored.to] == [[author.email], [author.email]]
    assert restored.subject == "Votre commentaire est de nouveau visible"
    assert "Critique vive mais correcte." in restored.body


def test_it_restores_nothing_that_is_not_hidden(staff_client, comment):
    response = staff_client.post(
        changelist("proposals_comment"), _action("restore", [comment.pk], apply="yes", reason="")
    )

    assert response.status_code == 302
    assert not Message.objects.exists()


def test_it_closes_reports_without_hiding(staff_client, comment):
    report = services.report_create(
        user=VerifiedUserFactory(username="lectrice"), reason="spam", comment=comment
    )

    response = staff_client.post(changelist("proposals_report"), _action("mark_resolved", [report.pk]))

    assert response.status_code == 302
    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.resolved_at is not None
    assert not comment.is_hidden


# Official answer -------------------------------------------------------------------------


def _change_form_data(proposal, notify=True, **changes):
    """The change form as a browser posts it; `notify` is the "Prévenir l’auteur et les
    votants" checkbox (an unchecked box is absent from the POST)."""
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
    if notify:
        data["notify"] = "on"
    return data | changes


def test_it_publishes_the_official_answer_and_mails_author_and_voters_through_the_queue(
    staff_client, proposal, author, jobs
):
    voters = [VerifiedUserFactory(username=f"votant{n}") for n in range(2)]
    for voter in voters:
        services.vote_cast(proposal=proposal, user=voter, value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    assert staff_client.get(url).context["adminform"].form["notify"].initial is True  # a first answer

    response = staff_client.post(
        url,
        _change_form_data(
            proposal, status=ProposalStatus.UNDER_STUDY, official_answer="La Ville étudie la proposition."
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    # One answer message recorded with the change, and its fan-out job; nothing sent yet.
    [answer] = Message.objects.filter(kind=MessageKind.ANSWER)
    assert answer.target == proposal
    assert [name for _id, name, args in jobs.queued() if args.get("message_id") == answer.pk] == [
        "proposals.answer_fan_out"
    ]
    assert mail.outbox == []
    jobs.run()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.UNDER_STUDY
    assert proposal.official_answer == "La Ville étudie la proposition."
    assert proposal.answered_at is not None
    assert (proposal.votes_for, proposal.votes_against) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [author.email, *[v.email for v in voters]]
    )
    assert all(len(message.to) == 1 and not message.bcc for message in mail.outbox)
    assert all("La Ville étudie la proposition." in message.body for message in mail.outbox)
    # Voters were told: the box is now unchecked, so a typo fix tells nobody again.
    assert staff_client.get(url).context["adminform"].form["notify"].initial is False


def test_it_tells_nobody_when_notify_is_unchecked(staff_client, proposal, author, jobs):
    services.vote_cast(proposal=proposal, user=VerifiedUserFactory(username="votante"), value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    response = staff_client.post(
        url,
        _change_form_data(
            proposal, notify=False, status=ProposalStatus.ADOPTED, official_answer="La Ville l’adopte."
        ),
    )
    jobs.run()

    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert (proposal.status, proposal.official_answer) == (ProposalStatus.ADOPTED, "La Ville l’adopte.")
    assert proposal.answered_at is not None
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_typo_fixed_with_notify_unchecked_tells_nobody_again(staff_client, proposal, author, jobs):
    services.vote_cast(proposal=proposal, user=VerifiedUserFactory(username="votante"), value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    staff_client.post(
        url, _change_form_data(proposal, status=ProposalStatus.ADOPTED, official_answer="La Vile l’adopte.")
    )
    jobs.run()
    assert len(mail.outbox) == 2
    proposal.refresh_from_db()

    response = staff_client.post(
        url, _change_form_data(proposal, notify=False, official_answer="La Ville l’adopte.")
    )
    jobs.run()

    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.official_answer == "La Ville l’adopte."
    assert Message.objects.filter(kind=MessageKind.ANSWER).count() == 1
    assert len(mail.outbox) == 2


def test_the_answer_page_shows_the_progress_of_the_answer_mails(staff_client, proposal, author, jobs):
    voters = [VerifiedUserFactory(username=f"votant{n}") for n in range(2)]
    for voter in voters:
        services.vote_cast(proposal=proposal, user=voter, value=VoteValue.FOR)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    assert "Aucun courriel." in staff_client.get(url).content.decode()

    staff_client.post(url, _change_form_data(proposal, status=ProposalStatus.ADOPTED, official_answer="Oui."))
    # Recorded, recipients not listed yet.
    assert "liste des destinataires en préparation" in staff_client.get(url).content.decode()

    jobs.run()
    assert "3 envoyé(s), 0 en attente, 0 en échec" in staff_client.get(url).content.decode()

    # A refused address, and one waiting for its next attempt, show as such.
    [answer] = Message.objects.filter(kind=MessageKind.ANSWER)
    first, second, _third = answer.deliveries.order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(state=DeliveryState.FAILED, last_error="550 unknown user")
    Delivery.objects.filter(pk=second.pk).update(state=DeliveryState.PENDING)
    page = staff_client.get(url).content.decode()
    assert "1 envoyé(s), 1 en attente, 1 en échec" in page
    assert f"?message__id__exact={answer.pk}" in page  # linked to the deliveries


def test_a_moderation_notice_is_not_taken_for_an_answer_already_sent(staff_client, proposal, author):
    services.moderation_hide(target=proposal, reason="Hors sujet.")
    services.moderation_restore(target=proposal)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    response = staff_client.get(url)

    # Nobody was told of an answer yet: the box is checked, no answer e-mail is listed.
    assert response.context["adminform"].form["notify"].initial is True
    assert "Aucun courriel." in response.content.decode()


def test_it_sends_nothing_when_the_answer_does_not_change(staff_client, proposal, jobs):
    services.vote_cast(
        proposal=proposal, user=VerifiedUserFactory(username="votante"), value=VoteValue.AGAINST
    )
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    # "notify" checked (as it is for a proposal never answered), but no answer field changes.
    response = staff_client.post(url, _change_form_data(proposal, title="Un titre plus clair"))
    jobs.run()

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Un titre plus clair"
    assert proposal.answered_at is None
    assert (proposal.votes_for, proposal.votes_against) == (0, 1)
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_it_keeps_the_counters_read_only(staff_client, proposal):
    services.vote_cast(proposal=proposal, user=VerifiedUserFactory(username="votante"), value=VoteValue.FOR)
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
    assert not Message.objects.exists()


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
    author = VerifiedUserFactory(username=f"auteur-{name}")
    for n in range(rows):
        proposal = ProposalFactory(author=author)
        comment = services.comment_post(proposal=proposal, user=author, body=f"Commentaire {n}")
        if name == "proposals_report":
            services.report_create(
                user=VerifiedUserFactory(username=f"lecteur-{n}"), reason="spam", comment=comment
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
