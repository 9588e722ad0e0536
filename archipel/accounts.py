"""/profil/: the citizen's own page — what they wrote and voted, their name, leaving.

Sign-up, log-in, e-mail and password pages are allauth's, under /comptes/.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archipel.email_preferences import EmailPreferencesForm
from archipel.forms import DeleteAccountForm, DisplayNameForm
from archipel.mfa import has_authenticator_app
from core.permissions import is_verified
from evaluation.models import PartnershipReview
from proposals.models import Comment, Proposal, Vote
from proposals.services import account_delete as account_delete_service

PROFILE_PAGE_SIZE = 10
# One page parameter per list, so turning one list's pages keeps the others where they are
# ({% querystring %} in profile.html changes only this list's parameter).
PAGE_PARAMS = {
    "proposals": "p_preconisations",
    "votes": "p_votes",
    "comments": "p_commentaires",
    "reviews": "p_avis",
}


def _page(request, queryset, key: str):
    """One page of `queryset`: a COUNT and one SELECT, whatever the number of rows."""
    return Paginator(queryset, PROFILE_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAMS[key]))


def _render_profile(request, *, name_form=None, status=200):
    user = request.user
    # Queries: session, user, verified address, authenticator app, then a COUNT and a page
    # for each list.
    context = {
        "verified": is_verified(user),
        "two_factor_enabled": has_authenticator_app(user),
        "name_form": name_form or DisplayNameForm(instance=user),
        "email_form": EmailPreferencesForm(instance=user),
        "proposals": _page(
            request, Proposal.objects.filter(author=user).order_by("-created_at", "-pk"), "proposals"
        ),
        "votes": _page(
            request,
            Vote.objects.filter(user=user).select_related("proposal").order_by("-created_at", "-pk"),
            "votes",
        ),
        "comments": _page(
            request,
            Comment.objects.filter(author=user).select_related("proposal").order_by("-created_at", "-pk"),
            "comments",
        ),
        "reviews": _page(
            request,
            PartnershipReview.objects.filter(author=user)
            .select_related("partnership__french_authority", "partnership__partner")
            .prefetch_related("scores__theme")
            .order_by("-updated_at", "-pk"),
            "reviews",
        ),
    }
    return render(request, "archipel/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def profile(request):
    return _render_profile(request)


@login_required
@require_POST
def display_name(request):
    """Change the display name; a refused name re-renders the profile with a 400 and writes nothing."""
    form = DisplayNameForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, name_form=form, status=400)
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:  # the same name taken by someone else meanwhile (User.name_key)
        form.add_error(
            "display_name", _("Ce nom est déjà celui d’un autre participant ; choisissez-en un autre.")
        )
        return _render_profile(request, name_form=form, status=400)
    messages.success(
        request, _("Votre nom affiché est maintenant « %(name)s ».") % {"name": form.instance.display_name}
    )
    return redirect("profile")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request):
    """GET: what deleting keeps and removes, and the confirmation form. POST: delete, log out."""
    user = request.user
    if request.method != "POST":
        return render(request, "archipel/account_delete.html", {"form": DeleteAccountForm(user=user)})
    form = DeleteAccountForm(request.POST, user=user)
    if not form.is_valid():
        return render(request, "archipel/account_delete.html", {"form": form}, status=400)
    account_delete_service(user=user)
    logout(request)
    messages.success(request, _("Votre compte a été supprimé. Merci d’avoir participé."))
    return redirect("home")
