"""Who may do what: one readable predicate per action, used by views and templates.

Taking part (voting, commenting, proposing, reporting) needs a signed-in user whose
e-mail address is verified; `core.permissions.is_verified` is the one place that
says so.
"""

from core.permissions import is_verified
from proposals.models import Comment, Proposal


def can_take_part(user) -> bool:
    return is_verified(user)


def can_vote(user, proposal: Proposal) -> bool:
    return can_take_part(user) and not proposal.is_hidden and not proposal.is_closed


def can_comment(user, proposal: Proposal) -> bool:
    return can_take_part(user) and not proposal.is_hidden and not proposal.is_closed


def can_reply(user, comment: Comment) -> bool:
    # No reply under hidden or deleted content: what it answers is not there to read.
    return (
        can_comment(user, comment.proposal)
        and comment.parent_id is None
        and not comment.is_deleted
        and not comment.is_hidden
    )


def can_edit_comment(user, comment: Comment) -> bool:
    return (
        can_take_part(user)
        and comment.author_id == user.pk
        and not comment.is_deleted
        and not comment.is_hidden
    )


def can_delete_comment(user, comment: Comment) -> bool:
    return can_take_part(user) and comment.author_id == user.pk and not comment.is_deleted


def can_report(user, *, proposal: Proposal | None = None, comment: Comment | None = None) -> bool:
    target = proposal or comment
    author_id = target.author_id
    return (
        can_take_part(user)
        and author_id != user.pk
        and not target.is_hidden
        and not getattr(target, "is_deleted", False)
    )


def can_propose(user) -> bool:
    return can_take_part(user)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """Authors edit their text until the first vote, so nobody voted on another text."""
    return (
        can_take_part(user)
        and proposal.author_id == user.pk
        and proposal.vote_total == 0
        and not proposal.is_closed
        and not proposal.is_hidden
    )


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return can_take_part(user) and proposal.author_id == user.pk and not proposal.is_closed
