"""Who may review a partnership: a verified citizen (`archipel.permissions.is_verified`)."""

from archipel.permissions import is_verified


def can_review(user) -> bool:
    return is_verified(user)
