"""Who may review a partnership: a verified citizen (`core.permissions.is_verified`)."""

from core.permissions import is_verified


def can_review(user) -> bool:
    return is_verified(user)
