"""Every write of the participation app: one function each, one transaction each.

Views validate input, call one of these and redirect. Each function checks its own
permission (the `can_*` predicates) inside the transaction, on rows it has locked, so
a check and the write it allows cannot be separated by another request.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from evaluation.services import reviews_forget
from mailing.models import MessageKind
from mailing.services import citizen_recipient, mail_one, message_create
from proposals import permissions, tasks
from proposals.models import (
    REPORTS_TO_HIDE,
    Comment,
    Proposal,
    ProposalStatus,
    Report,
    Topic,
    Vote,
    VoteValue,
)

COUNTER_FOR_VALUE = {VoteValue.FOR: "votes_for", VoteValue.AGAINST: "votes_against"}


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


# Votes -----------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, proposal: Proposal, user, value: str) -> Proposal:
    """Record `user`'s vote (pour / contre), or change it; return the proposal, counts fresh.

    The proposal row is locked first: two requests of the same user (a double click,
    two tabs) are serialised, the second sees the first's vote, and the counters move
    with the rows they count. The unique constraint on (proposal, user) stays the
    guarantee underneath.
    """
    if value not in VoteValue.values:
        raise ValidationError(_("Un vote est « pour » ou « contre »."), code="invalid_vote")
    proposal = _locked(proposal)
    if not permissions.can_vote(user, proposal):
        raise PermissionDenied(_("Vous ne pouvez pas voter sur cette préconisation."))
    vote = Vote.objects.filter(proposal=proposal, user=user).first()
    if vote is None:
        Vote.objects.create(proposal=proposal, user=user, value=value)
        Proposal.objects.filter(pk=proposal.pk).update(
            **{COUNTER_FOR_VALUE[value]: F(COUNTER_FOR_VALUE[value]) + 1}
        )
    elif vote.value != value:
        old = COUNTER_FOR_VALUE[vote.value]
        new = COUNTER_FOR_VALUE[value]
        Vote.objects.filter(pk=vote.pk).update(value=value, updated_at=timezone.now())
        Proposal.objects.filter(pk=proposal.pk).update(**{old: F(old) - 1, new: F(new) + 1})
    proposal.refresh_from_db(fields=["votes_for", "votes_against"])
    if value == VoteValue.FOR:
        _threshold_check(proposal)
    return proposal


def _threshold_check(proposal: Proposal) -> None:
    """The vote that brings the proposal to settings.ANSWER_THRESHOLD votes pour starts
    its answer deadline, once: withdrawn votes later never unset it. Call holding the
    proposal's row lock, counts fresh."""
    if proposal.threshold_reached_at is not None or proposal.votes_for < settings.ANSWER_THRESHOLD:
        return
    proposal.threshold_reached_at = timezone.now()
    proposal.answer_due_at = proposal.threshold_reached_at + datetime.timedelta(
        days=settings.ANSWER_DELAY_DAYS
    )
    proposal.save(update_fields=["threshold_reached_at", "answer_due_at"])


@transaction.atomic
def vote_withdraw(*, proposal: Proposal, user) -> Proposal:
    """Remove `user`'s vote if there is one; return the proposal, counts fresh."""
    proposal = _locked(proposal)
    if not permissions.can_vote(user, proposal):
        raise PermissionDenied(_("Vous ne pouvez pas voter sur cette préconisation."))
    vote = Vote.objects.filter(proposal=proposal, user=user).first()
    if vote is not None:
        vote.delete()
        counter = COUNTER_FOR_VALUE[vote.value]
        Proposal.objects.filter(pk=proposal.pk).update(**{counter: F(counter) - 1})
    proposal.refresh_from_db(fields=["votes_for", "votes_against"])
    return proposal


def proposals_recount(proposal_ids=None) -> int:
    """Set the proposals' vote and comment counters from the rows; return how many changed.

    Every proposal, or only those of `proposal_ids` (a list of ids). One set-based UPDATE
    whatever the number of proposals; comment_count counts the comments visitors see (not
    deleted, not hidden); rows already right are not rewritten. Call
    inside a transaction, holding the locks of those proposals when other writers may run.
    """
    only, params = "", []
    if proposal_ids is not None:
        only, params = "AND proposal_id = ANY(%s)", [list(proposal_ids)]
    sql = f"""
        UPDATE {Proposal._meta.db_table} AS p
        SET votes_for = s.votes_for, votes_against = s.votes_against, comment_count = s.comment_count
        FROM (
            SELECT p2.id,
                   coalesce(v.votes_for, 0) AS votes_for,
                   coalesce(v.votes_against, 0) AS votes_against,
                   coalesce(c.n, 0) AS comment_count
            FROM {Proposal._meta.db_table} AS p2
            LEFT JOIN (
                SELECT proposal_id,
                       count(*) FILTER (WHERE value = %s) AS votes_for,
                       count(*) FILTER (WHERE value = %s) AS votes_against
                FROM {Vote._meta.db_table}
                WHERE TRUE {only}
                GROUP BY proposal_id
            ) AS v ON v.proposal_id = p2.id
            LEFT JOIN (
                SELECT proposal_id, count(*) AS n
                FROM {Comment._meta.db_table}
                WHERE deleted_at IS NULL AND NOT is_hidden {only}
                GROUP BY proposal_id
            ) AS c ON c.proposal_id = p2.id
            WHERE TRUE {only.replace("proposal_id", "p2.id")}
        ) AS s
        WHERE p.id = s.id
          AND (p.votes_for, p.votes_against, p.comment_count)
              IS DISTINCT FROM (s.votes_for, s.votes_against, s.comment_count)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [VoteValue.FOR, VoteValue.AGAINST, *params, *params, *params])
        return cursor.rowcount


# Proposals -------------------------------------------------------------------------------


# A citizen who sends the same préconisation again within this time (a double click, the
# form sent again after "back") is shown the one already published.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
SLUG_ATTEMPTS = 50
SLUG_CONSTRAINT = "proposals_proposal_slug_key"  # Django's name for `slug`'s unique=True


# Addresses of /preconisations/ that are pages of their own (proposals/urls.py): a
# préconisation titled "Flux" must not be hidden behind the feed.
RESERVED_SLUGS = frozenset({"proposer", "flux", "commentaires"})


def _free_slug(base: str) -> str:
    """The first of `base`, `base-2`, `base-3`… that no committed proposal holds (one query)."""
    taken = (
        set(
            Proposal.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
                "slug", flat=True
            )
        )
        | RESERVED_SLUGS
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _is_slug_conflict(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == SLUG_CONSTRAINT


def _lock_author(user) -> None:
    """Serialise one author's proposal_create calls until the transaction ends (a
    transaction-level advisory lock: it locks no row, so the author's votes and log-ins
    are not held up)."""
    digest = hashlib.sha256(f"proposals.proposal_create:{user.pk}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


@transaction.atomic
def proposal_create(*, user, topic: Topic, title: str, body: str, tags=(), themes=()) -> Proposal:
    """Publish a citizen's préconisation at once (it can be reported like any other).

    The same author sending the same title and text again within DUPLICATE_WINDOW gets
    the proposal already published, unchanged: requests of one author are serialised by
    a lock, so the second sees the first once it has committed. Another author's
    proposal with the same title committing meanwhile takes the slug chosen here: the
    insert is then retried, in a savepoint, with the next free suffix.
    """
    if not permissions.can_propose(user):
        raise PermissionDenied(_("Vérifiez votre adresse e-mail pour proposer une préconisation."))
    _lock_author(user)
    duplicate = (
        Proposal.objects.filter(
            author=user, title=title, body=body, created_at__gte=timezone.now() - DUPLICATE_WINDOW
        )
        .order_by("created_at", "pk")
        .first()
    )
    if duplicate is not None:
        return duplicate
    base = slugify(title)[:180] or "preconisation"
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    topic=topic, title=title, slug=_free_slug(base), body=body, author=user
                )
            break
        except IntegrityError as error:
            if not _is_slug_conflict(error):
                raise
    else:
        raise IntegrityError(f"no free slug for {base!r} after {SLUG_ATTEMPTS} attempts")
    proposal.tags.set(list(tags))
    proposal.themes.set(list(themes))
    return proposal


@transaction.atomic
def proposal_edit(*, proposal: Proposal, user, title: str, body: str, tags=(), themes=()) -> Proposal:
    """Change the text of one's own proposal, allowed until its first vote."""
    proposal = _locked(proposal)
    if not permissions.can_edit_proposal(user, proposal):
        raise PermissionDenied(_("Une préconisation ne se modifie plus après le premier vote."))
    proposal.title, proposal.body = title, body
    proposal.save(update_fields=["title", "body", "updated_at"])
    proposal.tags.set(list(tags))
    proposal.themes.set(list(themes))
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user) -> Proposal:
    """The author withdraws the proposal: votes close; what was said stays readable."""
    proposal = _locked(proposal)
    if not permissions.can_withdraw_proposal(user, proposal):
        raise PermissionDenied(_("Vous ne pouvez pas retirer cette préconisation."))
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_answer(*, proposal: Proposal, status: str, answer: str, notify: bool = True) -> Proposal:
    """Staff set the status and publish the official answer; with `notify`, the author
    and every voter are told (by the workers, once this transaction has committed).

    Fixing a typo in an answer already sent is `notify=False`: telling everyone again
    is an explicit choice.
    """
    if status not in ProposalStatus.values:
        raise ValidationError(_("Statut inconnu."), code="invalid_status")
    proposal = _locked(proposal)
    proposal.status = status
    proposal.official_answer = answer
    if answer.strip() and proposal.answered_at is None:
        proposal.answered_at = timezone.now()  # the first answer published; a fix keeps it
    proposal.save(update_fields=["status", "official_answer", "answered_at", "updated_at"])
    if notify:
        answer_notify(proposal=proposal)
    return proposal


def answer_notify(*, proposal: Proposal):
    """Record the message "the préconisation has an answer" and defer the job that lists
    its recipients (the author and the voters who accept these e-mails). Call inside the
    transaction of the answer."""
    return message_create(
        kind=MessageKind.ANSWER,
        template="proposals/email/answer",
        target=proposal,
        context={"label": proposal.title},
        fan_out=tasks.answer_fan_out,
    )


# Comments --------------------------------------------------------------------------------


@transaction.atomic
def comment_post(
    *, proposal: Proposal, user, body: str, alignment: str = "", parent: Comment | None = None
) -> Comment:
    """Post a comment, or a reply to a top-level comment of the same proposal."""
    proposal = _locked(proposal)
    if not permissions.can_comment(user, proposal):
        raise PermissionDenied(_("Vous ne pouvez pas commenter cette préconisation."))
    if parent is not None and (parent.proposal_id != proposal.pk or not permissions.can_reply(user, parent)):
        raise ValidationError(
            _("On ne répond qu’à un commentaire de premier niveau de cette préconisation."),
            code="invalid_parent",
        )
    comment = Comment.objects.create(
        proposal=proposal, author=user, body=body, alignment=alignment, parent=parent
    )
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user, body: str, alignment: str = "") -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not permissions.can_edit_comment(user, comment):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce commentaire."))
    comment.body, comment.alignment, comment.edited_at = body, alignment, timezone.now()
    comment.save(update_fields=["body", "alignment", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> Comment:
    """Soft delete: the text goes, "message supprimé" stays so the replies keep their sense."""
    # Proposal first, then comment: the order comment_post locks in, so a recount here
    # cannot overwrite a comment posted meanwhile.
    _locked(Proposal(pk=comment.proposal_id))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not permissions.can_delete_comment(user, comment):
        raise PermissionDenied(_("Vous ne pouvez pas supprimer ce commentaire."))
    comment.body, comment.deleted_at = "", timezone.now()
    comment.save(update_fields=["body", "deleted_at"])
    proposals_recount([comment.proposal_id])
    return comment


# Reports and moderation ------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, user, reason: str, details: str = "", proposal: Proposal | None = None, comment: Comment | None = None
) -> Report:
    """Report a proposal or a comment; the third reporter hides it until staff decide.

    The reported row is locked first, so two simultaneous third reports cannot both
    count two and leave the content visible.
    """
    if proposal is not None:
        proposal = _lock_target(proposal)
    else:
        comment = _lock_target(comment)
    if not permissions.can_report(user, proposal=proposal, comment=comment):
        raise PermissionDenied(_("Vous ne pouvez pas signaler ce contenu."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=user, proposal=proposal, comment=comment, reason=reason, details=details
            )
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà signalé ce contenu."), code="already_reported") from None
    target = proposal or comment
    open_reports = Report.objects.filter(resolved_at__isnull=True, proposal=proposal, comment=comment)
    if open_reports.values("reporter").distinct().count() >= REPORTS_TO_HIDE:
        moderation_hide(
            target=target,
            reason=_("Masqué après plusieurs signalements, en attente de modération."),
            resolve_reports=False,
        )
    return report


@transaction.atomic
def moderation_hide(*, target, reason: str, resolve_reports: bool = True):
    """Hide a proposal or a comment with a reason shown in its place; tell its author."""
    target = _lock_target(target)
    target.is_hidden, target.hidden_reason = True, reason
    target.save(update_fields=["is_hidden", "hidden_reason"])
    _after_moderation(target, resolve_reports, "proposals/email/hidden")
    return target


@transaction.atomic
def moderation_restore(*, target, reason: str = ""):
    """Show again a proposal or comment that was hidden; tell its author."""
    target = _lock_target(target)
    target.is_hidden, target.hidden_reason = False, ""
    target.save(update_fields=["is_hidden", "hidden_reason"])
    _after_moderation(target, True, "proposals/email/restored", reason=reason)
    return target


def _lock_target(target):
    """Lock a proposal, or a comment after its proposal (the order every write uses)."""
    if isinstance(target, Comment):
        _locked(Proposal(pk=target.proposal_id))
        return (
            Comment.objects.select_for_update(of=("self",))
            .select_related("author", "proposal")
            .get(pk=target.pk)
        )
    return Proposal.objects.select_for_update(of=("self",)).select_related("author").get(pk=target.pk)


def _after_moderation(target, resolve_reports: bool, template: str, **context) -> None:
    if isinstance(target, Comment):
        proposals_recount([target.proposal_id])
        reports = Report.objects.filter(comment=target)
    else:
        reports = Report.objects.filter(proposal=target)
    if resolve_reports:
        reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    author = target.author
    if author and author.email and author.email_moderation:
        mail_one(
            kind=MessageKind.MODERATION,
            recipient=citizen_recipient(author, topic="moderation"),
            template=template,
            target=target,
            # What the author is told is the decision of this moment, not a later one.
            context={"hidden_reason": target.hidden_reason, **context},
        )


# Accounts --------------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete an account: votes and partnership reviews go and the counts follow; comments
    stay as "compte supprimé" and proposals stay without a name (SET_NULL foreign keys)."""
    voted = list(Vote.objects.filter(user=user).values_list("proposal_id", flat=True))
    # Lock in pk order, as a vote would, so a concurrent vote cannot deadlock with us.
    list(
        Proposal.objects.select_for_update().filter(pk__in=voted).order_by("pk").values_list("pk", flat=True)
    )
    Vote.objects.filter(user=user).delete()
    proposals_recount(voted)
    reviews_forget(author=user)
    user.delete()
