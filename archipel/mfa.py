"""Two-factor authentication (allauth.mfa) for staff, and the admin's way in and out.

- Staff cannot reach the admin without an authenticator app: StaffTwoFactorMiddleware
  sends them to set one up first (one query per admin request, none elsewhere).
- /admin/login/ is the site's log-in (`admin_login`), with its rate limits, its lock-out
  and its two-factor step; /admin/logout/ is the site's log-out.
- Staff cannot turn two-factor authentication off (MFAAdapter); citizens may, from /profil/.
"""

from allauth.account.views import logout as site_logout
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def has_authenticator_app(user) -> bool:
    """True when `user` has an active TOTP authenticator (one query)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class StaffTwoFactorMiddleware:
    """A staff member without an authenticator app who asks for any admin page (a GET or
    a POST) is sent to set one up, and gets nothing of the admin: no page, no write.

    allauth's set-up ends on the recovery codes, whose page leads back to the admin
    (templates/mfa/recovery_codes/index.html).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(reverse("admin:index"))
            and request.user.is_authenticated
            and request.user.is_staff
            and not has_authenticator_app(request.user)
        ):
            messages.warning(
                request,
                _(
                    "L’administration demande la double authentification : activez-la ici avec une "
                    "application d’authentification (sur votre téléphone), puis notez vos codes de "
                    "récupération. Vous reviendrez ensuite à l’administration."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def admin_login(request, extra_context=None):
    """/admin/login/: the site's log-in, with `next` kept. A signed-in user the admin
    refuses is told so (the log-in would send them straight back here)."""
    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied(_("Votre compte n’a pas accès à l’administration."))
    return redirect_to_login(
        request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), login_url="account_login"
    )


def admin_logout(request, extra_context=None):
    """/admin/logout/: the site's log-out."""
    return site_logout(request)


class MFAAdapter(DefaultMFAAdapter):
    """allauth's, except that staff keep their authenticator app: the admin requires it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Les comptes de l’équipe gardent la double authentification : l’administration la demande."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not authenticator.user.is_staff
