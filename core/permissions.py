"""Who is a verified citizen: the one predicate every app's permissions build on.

Taking part anywhere on the site (voting, commenting, proposing, rating a partnership)
needs a signed-in, active user whose e-mail address is verified.
"""

from allauth.account.models import EmailAddress


def is_verified(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_archipel_is_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._archipel_is_verified = cached  # one query per request, not one per button
    return cached
