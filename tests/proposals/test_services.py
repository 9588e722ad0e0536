"""The participation services: what each write does, what a refused attempt does not
write, the e-mails recorded with the write and sent by the queue's jobs, and the vote
counters under concurrency (real threads on the real PostgreSQL)."""

import itertools

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction

from mailing.models import Delivery, Message, MessageKind
from proposals import services
from proposals.models import (
    Comment,
    Proposal,
    ProposalStatus,
    Report,
    ReportReason,
    Vote,
    VoteValue,
)
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

FOR, AGAINST = VoteValue.FOR, VoteValue.AGAINST
_numbers = itertools.count(1)


@pytest.fixture
def proposal__author(author):
    """The shared `proposal` (tests/factories.py) is by the shared `author`."""
    return author


def counts(proposal):
    proposal.refresh_from_db()
    return proposal.votes_for, proposal.votes_against


def assert_counts_equal_rows(proposal):
    proposal.refresh_from_db()
    assert proposal.votes_for == Vote.objects.filter(proposal=proposal, value=FOR).count()
    assert proposal.votes_against == Vote.objects.filter(proposal=proposal, value=AGAINST).count()


# Votes -----------------------------------------------------------------------------------


def test_it_casts_a_vote(proposal, voter):
    returned = services.vote_cast(proposal=proposal, user=voter, value=FOR)

    assert (returned.votes_for, returned.votes_against) == (1, 0)
    assert counts(proposal) == (1, 0)
    assert Vote.objects.get(proposal=proposal, user=voter).value == FOR


def test_it_changes_a_vote_and_the_counts_move(proposal, voter, other_voter):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    services.vote_cast(proposal=proposal, user=other_voter, value=FOR)

    services.vote_cast(proposal=proposal, user=voter, value=AGAINST)

    assert counts(proposal) == (1, 1)
    assert Vote.objects.get(proposal=proposal, user=voter).value == AGAINST
    assert Vote.objects.filter(proposal=proposal).count() == 2


def test_it_changes_nothing_when_the_same_vote_comes_twice(proposal, voter):
    services.vote_cast(proposal=proposal, user=voter, value=AGAINST)

    services.vote_cast(proposal=proposal, user=voter, value=AGAINST)

    assert counts(proposal) == (0, 1)
    assert Vote.objects.filter(proposal=proposal, user=voter).count() == 1


def test_it_withdraws_a_vote(proposal, voter, other_voter):
    services.vote_cast(proposal=proposal, user=voter, value=AGAINST)
    services.vote_cast(proposal=proposal, user=other_voter, value=FOR)

    services.vote_withdraw(proposal=proposal, user=voter)

    assert counts(proposal) == (1, 0)
    assert not Vote.objects.filter(proposal=proposal, user=voter).exists()


def test_it_withdraws_nothing_when_there_is_no_vote(proposal, voter):
    services.vote_withdraw(proposal=proposal, user=voter)

    assert counts(proposal) == (0, 0)


def test_it_refuses_an_invalid_vote_value_and_writes_nothing(proposal, voter):
    with pytest.raises(ValidationError) as error:
        services.vote_cast(proposal=proposal, user=voter, value="peut-etre")

    assert error.value.code == "invalid_vote"
    assert counts(proposal) == (0, 0)
    assert not Vote.objects.exists()


def _unverified():
    return UserFactory(username="non-verifiee")


def _unverified_address():
    user = UserFactory(username="adresse-en-attente")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def _inactive():
    user = VerifiedUserFactory(username="desactivee")
    user.is_active = False
    user.save()
    return user


@pytest.mark.parametrize(
    "make_user",
    [lambda: AnonymousUser(), _unverified, _unverified_address, _inactive],
    ids=["anonymous", "no-address", "unverified-address", "inactive"],
)
def test_it_refuses_votes_from_users_who_may_not_take_part(proposal, make_user):
    user = make_user()

    with pytest.raises(PermissionDenied):
        services.vote_cast(proposal=proposal, user=user, value=FOR)

    assert counts(proposal) == (0, 0)
    assert not Vote.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"status": ProposalStatus.WITHDRAWN},
        {"status": ProposalStatus.REJECTED},
        {"is_hidden": True, "hidden_reason": "Propos injurieux"},
    ],
    ids=["withdrawn", "rejected", "hidden"],
)
def test_it_refuses_to_cast_or_withdraw_on_closed_or_hidden_proposals(proposal, voter, change):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    Proposal.objects.filter(pk=proposal.pk).update(**change)

    with pytest.raises(PermissionDenied):
        services.vote_cast(proposal=proposal, user=voter, value=AGAINST)
    with pytest.raises(PermissionDenied):
        services.vote_withdraw(proposal=proposal, user=voter)

    assert counts(proposal) == (1, 0)
    assert Vote.objects.get(proposal=proposal, user=voter).value == FOR


@pytest.mark.parametrize("status", [ProposalStatus.UNDER_STUDY, ProposalStatus.ADOPTED])
def test_it_accepts_votes_on_proposals_still_open(voter, status):
    proposal = ProposalFactory(is_official=True, status=status)

    services.vote_cast(proposal=proposal, user=voter, value=FOR)

    assert counts(proposal) == (1, 0)


def test_it_keeps_one_vote_per_user_and_proposal_in_the_database(proposal, voter):
    from django.db import IntegrityError

    Vote.objects.create(proposal=proposal, user=voter, value=FOR)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, user=voter, value=AGAINST)


# Comments --------------------------------------------------------------------------------


def test_it_posts_a_comment_and_a_reply(proposal, voter, other_voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="Bonne idée.", alignment="pour")
    reply = services.comment_post(proposal=proposal, user=other_voter, body="D’accord.", parent=comment)

    proposal.refresh_from_db()
    assert proposal.comment_count == 2
    assert reply.parent == comment
    assert (comment.author, comment.body, comment.alignment) == (voter, "Bonne idée.", "pour")


def test_it_refuses_a_reply_to_a_reply_and_writes_nothing(proposal, voter, other_voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="Premier niveau.")
    reply = services.comment_post(proposal=proposal, user=other_voter, body="Réponse.", parent=comment)

    with pytest.raises(ValidationError) as error:
        services.comment_post(proposal=proposal, user=voter, body="Trop profond.", parent=reply)

    assert error.value.code == "invalid_parent"
    proposal.refresh_from_db()
    assert proposal.comment_count == 2
    assert Comment.objects.filter(proposal=proposal).count() == 2


def test_it_refuses_a_reply_to_a_comment_of_another_proposal(proposal, voter):
    elsewhere = services.comment_post(
        proposal=ProposalFactory(is_official=True), user=voter, body="Ailleurs."
    )

    with pytest.raises(ValidationError):
        services.comment_post(proposal=proposal, user=voter, body="Réponse égarée.", parent=elsewhere)

    assert not Comment.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("status", [ProposalStatus.WITHDRAWN, ProposalStatus.REJECTED])
def test_it_refuses_comments_on_closed_proposals(voter, status):
    proposal = ProposalFactory(is_official=True, status=status)

    with pytest.raises(PermissionDenied):
        services.comment_post(proposal=proposal, user=voter, body="Trop tard.")

    proposal.refresh_from_db()
    assert proposal.comment_count == 0
    assert not Comment.objects.filter(proposal=proposal).exists()


def test_it_refuses_comments_from_unverified_users(proposal):
    with pytest.raises(PermissionDenied):
        services.comment_post(proposal=proposal, user=_unverified(), body="Bonjour.")

    assert not Comment.objects.filter(proposal=proposal).exists()


def test_it_lets_the_author_edit_a_comment(proposal, voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="Premier jet.")

    services.comment_edit(comment=comment, user=voter, body="Version corrigée.", alignment="contre")

    comment.refresh_from_db()
    assert (comment.body, comment.alignment) == ("Version corrigée.", "contre")
    assert comment.edited_at is not None


def test_it_refuses_to_edit_or_delete_another_users_comment(proposal, voter, other_voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="À moi.")

    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=other_voter, body="Détourné.")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=other_voter)

    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert (comment.body, comment.edited_at, comment.deleted_at) == ("À moi.", None, None)
    assert proposal.comment_count == 1


def test_it_soft_deletes_a_comment_and_keeps_its_replies(proposal, voter, other_voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="À effacer.")
    reply = services.comment_post(proposal=proposal, user=other_voter, body="Réponse.", parent=comment)

    services.comment_delete(comment=comment, user=voter)

    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert comment.body == ""
    assert comment.is_deleted
    assert Comment.objects.get(pk=reply.pk).body == "Réponse."
    assert proposal.comment_count == 1


def test_it_refuses_to_edit_or_delete_a_deleted_comment_again(proposal, voter):
    comment = services.comment_post(proposal=proposal, user=voter, body="À effacer.")
    services.comment_delete(comment=comment, user=voter)

    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=voter, body="Ressuscité.")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=voter)

    assert Comment.objects.get(pk=comment.pk).body == ""


# Reports ---------------------------------------------------------------------------------


def test_it_records_a_report_without_hiding(proposal, voter):
    report = services.report_create(
        user=voter, reason=ReportReason.SPAM, details="Publicité.", proposal=proposal
    )

    proposal.refresh_from_db()
    assert (report.reporter, report.proposal, report.resolved_at) == (voter, proposal, None)
    assert not proposal.is_hidden


def test_it_hides_a_comment_at_the_third_report_by_different_users(proposal, author, jobs):
    comment = services.comment_post(proposal=proposal, user=author, body="Propos douteux.")
    reporters = [VerifiedUserFactory(username=f"rapporteur{n}") for n in range(3)]
    services.report_create(user=reporters[0], reason=ReportReason.ABUSE, comment=comment)
    services.report_create(user=reporters[1], reason=ReportReason.ABUSE, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden

    services.report_create(user=reporters[2], reason=ReportReason.SPAM, comment=comment)
    assert mail.outbox == []  # recorded; the queue's job sends it
    jobs.run()

    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason
    assert proposal.comment_count == 0  # a hidden comment is not counted
    # Hidden until staff decide: the reports stay open in the queue.
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 3
    assert [message.to for message in mail.outbox] == [[author.email]]


def test_it_hides_a_proposal_at_the_third_report(proposal):
    for n in range(3):
        services.report_create(
            user=VerifiedUserFactory(username=f"lecteur{n}"), reason="hors-sujet", proposal=proposal
        )

    proposal.refresh_from_db()
    assert proposal.is_hidden


def test_it_refuses_a_second_report_by_the_same_user(proposal, voter):
    services.report_create(user=voter, reason=ReportReason.SPAM, proposal=proposal)

    with pytest.raises(ValidationError) as error:
        services.report_create(user=voter, reason=ReportReason.ABUSE, proposal=proposal)

    assert "déjà signalé" in error.value.messages[0]
    assert Report.objects.filter(proposal=proposal).count() == 1
    proposal.refresh_from_db()
    assert not proposal.is_hidden


def test_it_refuses_reports_of_ones_own_content(proposal, author):
    comment = services.comment_post(proposal=proposal, user=author, body="Le mien.")

    with pytest.raises(PermissionDenied):
        services.report_create(user=author, reason=ReportReason.SPAM, proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.report_create(user=author, reason=ReportReason.SPAM, comment=comment)

    assert not Report.objects.exists()


def test_it_refuses_reports_from_unverified_users(proposal):
    with pytest.raises(PermissionDenied):
        services.report_create(user=_unverified(), reason=ReportReason.SPAM, proposal=proposal)

    assert not Report.objects.exists()


# Moderation ------------------------------------------------------------------------------


def test_it_hides_a_proposal_resolves_its_reports_and_tells_the_author_through_the_queue(
    proposal, author, voter, jobs
):
    services.report_create(user=voter, reason=ReportReason.ABUSE, proposal=proposal)

    services.moderation_hide(target=proposal, reason="Propos injurieux envers une personne.")

    # Recorded with the change, one delivery to the author; nothing leaves before the job.
    [notice] = Message.objects.filter(kind=MessageKind.MODERATION)
    assert [d.address for d in notice.deliveries.all()] == [author.email]
    assert mail.outbox == []
    jobs.run()

    proposal.refresh_from_db()
    assert proposal.is_hidden
    assert proposal.hidden_reason == "Propos injurieux envers une personne."
    assert not Report.objects.filter(proposal=proposal, resolved_at__isnull=True).exists()
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "Votre préconisation a été masquée"
    assert "Propos injurieux envers une personne." in message.body
    assert proposal.title in message.body
    # The footer: the author's preferences and a one-click unsubscribe (RFC 8058).
    delivery_context = notice.deliveries.get().context
    unsubscribe_url = delivery_context["unsubscribe_url"]
    assert unsubscribe_url in message.body
    assert delivery_context["preferences_url"] in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_hidden_notice_tells_the_reason_of_the_moment_not_a_later_one(proposal, author, jobs):
    services.moderation_hide(target=proposal, reason="Motif de départ.")
    # Before the worker sends it, staff change the reason shown in its place.
    Proposal.objects.filter(pk=proposal.pk).update(hidden_reason="Motif corrigé plus tard.")

    jobs.run()

    [message] = mail.outbox
    assert "Motif de départ." in message.body
    assert "Motif corrigé plus tard." not in message.body


def test_it_sends_no_moderation_mail_to_an_author_who_declined_them(author, jobs):
    author.email_moderation = False
    author.save(update_fields=["email_moderation"])
    proposal = ProposalFactory(author=author)
    comment = services.comment_post(proposal=proposal, user=author, body="Un avis.")

    services.moderation_hide(target=proposal, reason="Hors sujet")
    services.moderation_hide(target=comment, reason="Hors sujet")
    services.moderation_restore(target=comment)
    jobs.run()

    proposal.refresh_from_db()
    assert proposal.is_hidden  # the decision is made all the same
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_it_restores_a_comment_and_the_count_follows(proposal, author, voter, jobs):
    comment = services.comment_post(proposal=proposal, user=author, body="Un avis franc & direct.")
    services.moderation_hide(target=comment, reason="Hors sujet")
    proposal.refresh_from_db()
    assert proposal.comment_count == 0

    jobs.run()
    mail.outbox.clear()  # the notice of the hiding

    services.moderation_restore(target=comment, reason="Après relecture, le propos est correct.")
    assert mail.outbox == []
    jobs.run()

    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert (comment.is_hidden, comment.hidden_reason) == (False, "")
    assert proposal.comment_count == 1
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "Votre commentaire est de nouveau visible"
    assert "Après relecture, le propos est correct." in message.body
    assert proposal.title in message.body


def test_it_writes_plain_text_mails_without_html_escaping(author, jobs):
    proposal = ProposalFactory(author=author, title='Villes & jumelages : l\'Europe "proche"')

    services.moderation_hide(target=proposal, reason="Données <personnelles> & adresse")
    jobs.run()

    [message] = mail.outbox
    assert 'Villes & jumelages : l\'Europe "proche"' in message.body
    assert "Données <personnelles> & adresse" in message.body
    assert "&amp;" not in message.body


def test_it_sends_no_moderation_mail_when_the_transaction_rolls_back(proposal, jobs):
    queued_before = jobs.queued()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.moderation_hide(target=proposal, reason="Annulé")
        # Recorded in that transaction, with its job.
        assert Message.objects.exists() and len(jobs.queued()) == len(queued_before) + 1
        raise RuntimeError

    # The message, its delivery and its job went with the rolled-back write.
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()
    assert jobs.queued() == queued_before
    jobs.run()
    assert mail.outbox == []
    proposal.refresh_from_db()
    assert not proposal.is_hidden


# Official answer -------------------------------------------------------------------------


def test_it_answers_and_mails_the_author_and_each_voter_separately_through_the_queue(
    proposal, author, voter, other_voter, jobs
):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    services.vote_cast(proposal=proposal, user=other_voter, value=AGAINST)
    services.vote_cast(proposal=proposal, user=author, value=FOR)  # the author is told once

    services.proposal_answer(
        proposal=proposal,
        status=ProposalStatus.ADOPTED,
        answer="La Ville ouvrira deux maisons de l’Europe.",
    )
    # One answer message, recorded with the answer; its recipients are listed by a job.
    [answer] = Message.objects.filter(kind=MessageKind.ANSWER)
    assert answer.target == proposal
    assert [name for _id, name, args in jobs.queued() if args.get("message_id") == answer.pk] == [
        "proposals.answer_fan_out"
    ]
    assert mail.outbox == []
    jobs.run()

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    assert proposal.official_answer == "La Ville ouvrira deux maisons de l’Europe."
    assert proposal.answered_at is not None
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [author.email, voter.email, other_voter.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1 and message.cc == [] and message.bcc == []
        assert "La Ville ouvrira deux maisons de l’Europe." in message.body
        assert "Retenue" in message.body
        assert proposal.title in message.subject
        # Each recipient's own unsubscribe link, in the footer and the headers.
        unsubscribe_url = answer.deliveries.get(address=message.to[0]).context["unsubscribe_url"]
        assert unsubscribe_url in message.body
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len({message.extra_headers["List-Unsubscribe"] for message in mail.outbox}) == 3


def test_it_answers_an_official_proposal_and_mails_only_its_voters(voter, jobs):
    proposal = ProposalFactory(is_official=True)
    services.vote_cast(proposal=proposal, user=voter, value=FOR)

    services.proposal_answer(proposal=proposal, status=ProposalStatus.UNDER_STUDY, answer="")
    jobs.run()

    assert [message.to for message in mail.outbox] == [[voter.email]]


def test_it_does_not_mail_the_voters_who_declined_answer_mails(proposal, author, voter, other_voter, jobs):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    services.vote_cast(proposal=proposal, user=other_voter, value=FOR)
    for user in (author, other_voter):
        user.email_answers = False
        user.save(update_fields=["email_answers"])

    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.")
    jobs.run()

    assert [message.to for message in mail.outbox] == [[voter.email]]


def test_it_answers_without_telling_anyone_when_asked_not_to(proposal, voter, jobs):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)

    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.", notify=False)
    jobs.run()

    proposal.refresh_from_db()
    assert (proposal.status, proposal.official_answer) == (ProposalStatus.ADOPTED, "Oui.")
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_an_answer_fan_out_run_twice_tells_each_recipient_once(proposal, author, voter, jobs):
    from proposals.tasks import answer_fan_out

    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    services.proposal_answer(proposal=proposal, status=ProposalStatus.ADOPTED, answer="Oui.")
    [answer] = Message.objects.filter(kind=MessageKind.ANSWER)

    jobs.run()
    assert answer_fan_out(message_id=answer.pk) == 0  # a second run adds nobody
    jobs.run()

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [author.email, voter.email]
    )


def test_it_sends_no_answer_mail_when_the_transaction_rolls_back(proposal, voter, jobs):
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    queued_before = jobs.queued()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.proposal_answer(proposal=proposal, status=ProposalStatus.REJECTED, answer="Non.")
        # Recorded in that transaction, with its job.
        assert Message.objects.exists() and len(jobs.queued()) == len(queued_before) + 1
        raise RuntimeError

    assert not Message.objects.exists()
    assert not Delivery.objects.exists()
    assert jobs.queued() == queued_before
    jobs.run()
    assert mail.outbox == []
    proposal.refresh_from_db()
    assert (proposal.status, proposal.official_answer) == (ProposalStatus.PUBLISHED, "")


# Accounts --------------------------------------------------------------------------------


def test_it_deletes_an_account_with_its_votes_and_the_counts_follow(proposal, author, voter, other_voter):
    second = ProposalFactory(is_official=True)
    services.vote_cast(proposal=proposal, user=voter, value=FOR)
    services.vote_cast(proposal=proposal, user=other_voter, value=FOR)
    services.vote_cast(proposal=second, user=voter, value=AGAINST)
    comment = services.comment_post(proposal=proposal, user=voter, body="Je reste.")

    services.account_delete(user=voter)

    assert counts(proposal) == (1, 0)
    assert counts(second) == (0, 0)
    assert not Vote.objects.filter(user_id=voter.pk).exists()
    comment.refresh_from_db()
    assert comment.author is None and comment.body == "Je reste."
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


def test_it_keeps_an_authors_proposal_without_a_name_when_the_account_goes(proposal, author):
    services.account_delete(user=author)

    proposal.refresh_from_db()
    assert proposal.author is None


# Concurrency (real threads, real PostgreSQL) --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_records_one_vote_when_the_same_user_votes_from_many_threads_at_once():
    # Transactional tests end with a flush: put the session's catalogue back first.
    call_command("load_catalogue", verbosity=0)
    user = VerifiedUserFactory(username="double-clic")
    proposal = ProposalFactory(is_official=True)

    _, errors = run_at_once([lambda: services.vote_cast(proposal=proposal, user=user, value=FOR)] * 8)

    assert errors == []
    assert Vote.objects.filter(proposal=proposal, user=user).count() == 1
    assert counts(proposal) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_counts_equal_to_the_rows_when_many_users_vote_at_once():
    call_command("load_catalogue", verbosity=0)
    proposal = ProposalFactory(is_official=True)
    users = [VerifiedUserFactory(username=f"foule{n}") for n in range(20)]

    def vote(user, n):
        def call():
            first = FOR if n % 3 else AGAINST
            services.vote_cast(proposal=proposal, user=user, value=first)
            if n % 4 == 0:  # changes their mind
                services.vote_cast(proposal=proposal, user=user, value=AGAINST if first == FOR else FOR)
            if n % 7 == 0:  # and then withdraws
                services.vote_withdraw(proposal=proposal, user=user)

        return call

    _, errors = run_at_once([vote(user, n) for n, user in enumerate(users)])

    assert errors == []
    assert_counts_equal_rows(proposal)
    assert Vote.objects.filter(proposal=proposal).count() == 20 - len([n for n in range(20) if n % 7 == 0])
