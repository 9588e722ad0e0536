from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.permissions import is_verified
from core.ratelimit import rate_limit
from corrections import services
from corrections.forms import CorrectionForm
from corrections.models import TARGETS, TargetKind


def _get_target(kind: str, slug: str):
    """The catalogue page corrected, or a 404."""
    if kind not in TargetKind.values:
        raise Http404
    _field, model, related = TARGETS[TargetKind(kind)]
    return get_object_or_404(model.objects.select_related(*related), slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("correct")
def correction_create(request, kind, slug):
    """The form of a correction. Anonymous visitors are asked to log in first (a link back
    here); a signed-in citizen whose address is not verified gets a 403 that says why."""
    target = _get_target(kind, slug)
    context = {"target": target, "kind": kind}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "corrections/correction_form.html", context)
    if not is_verified(request.user):
        raise PermissionDenied(
            _("Vérifiez votre adresse e-mail pour participer : le lien vous a été envoyé à l’inscription.")
        )
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "corrections/correction_form.html", {**context, "form": form}, status=400)
        services.correction_submit(
            target=target, citizen=request.user, language=get_language(), **form.cleaned_data
        )
        messages.success(
            request,
            _(
                "Merci : votre correction est transmise à l’équipe d’Archipel. Sa réponse vous sera envoyée par courriel."
            ),
        )
        return redirect(target)
    return render(request, "corrections/correction_form.html", {**context, "form": form})
