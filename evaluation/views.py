"""The pages that compose the catalogue and its evaluation: a partnership's page (its
description, then its scorecard and the citizens' reviews, with the review form) and
/evaluation/, every partnership side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cooperation.models import Partnership, Theme
from core.browse import browse, page_of
from core.permissions import is_verified
from core.ratelimit import rate_limit
from evaluation import charts, services
from evaluation.figures import MINIMUM_REVIEWERS, score_distributions, scorecard
from evaluation.filters import EvaluationFilter
from evaluation.forms import ReviewForm
from evaluation.models import PartnershipReview
from evaluation.permissions import can_review

REVIEWS_PER_PAGE = 20


def _partnership(slug):
    return get_object_or_404(
        Partnership.objects.select_related(
            "french_authority__country", "partner__country", "french_authority__parent"
        ).prefetch_related("themes", "action_fields", "sdgs", "sources", "milestones"),
        slug=slug,
    )


def partnership_detail(request, slug):
    return _render_partnership(request, _partnership(slug))


def _render_partnership(request, partnership, *, review_form=None, status=200):
    # Computed from memberships, never typed in: the partner's side of each shared network.
    shared_memberships = partnership.partner.shared_network_memberships(partnership.french_authority)
    reviews = page_of(
        partnership.reviews.exclude(comment="").select_related("author").order_by("-updated_at", "pk"),
        request.GET.get("avis"),
        REVIEWS_PER_PAGE,
    )
    my_review = None
    if review_form is None and can_review(request.user):
        my_review = (
            PartnershipReview.objects.filter(partnership=partnership, author=request.user)
            .prefetch_related("scores")
            .first()
        )
        review_form = ReviewForm(themes=Theme.objects.all(), review=my_review)
    return render(
        request,
        "evaluation/partnership_detail.html",
        {
            "partnership": partnership,
            "shared_memberships": shared_memberships,
            "scorecard": scorecard(partnership),
            "reviews": reviews,
            "review_form": review_form,
            "my_review": my_review,
            "can_review": can_review(request.user),
            "is_verified": is_verified(request.user),
            "minimum_reviewers": MINIMUM_REVIEWERS,
        },
        status=status,
    )


# Refused like every participation of the site: PermissionDenied, Django's 403 page
# with the reason.
REVIEW_REFUSED = gettext_lazy(
    "Confirmez votre adresse e-mail pour donner votre avis : seuls les citoyens vérifiés évaluent."
)


@require_POST
@login_required
@rate_limit("rate")
def review(request, slug):
    """Save the citizen's scores and comment; bad input shows the page again with a 400."""
    partnership = _partnership(slug)
    if not can_review(request.user):
        raise PermissionDenied(REVIEW_REFUSED)
    form = ReviewForm(request.POST, themes=Theme.objects.all())
    if not form.is_valid():
        return _render_partnership(request, partnership, review_form=form, status=400)
    saved = services.review_save(
        author=request.user,
        partnership=partnership,
        scores=form.scores(),
        comment=form.cleaned_data["comment"],
    )
    if saved is None:
        messages.success(request, _("Votre avis a été retiré."))
    else:
        messages.success(request, _("Votre avis est enregistré. Vous pouvez le changer à tout moment."))
    return redirect(partnership.get_absolute_url() + "#avis")


@require_POST
@login_required
@rate_limit("rate")
def review_withdraw(request, slug):
    partnership = _partnership(slug)
    if not can_review(request.user):
        raise PermissionDenied(REVIEW_REFUSED)
    if services.review_withdraw(author=request.user, partnership=partnership):
        messages.success(request, _("Votre avis a été retiré."))
    return redirect(partnership.get_absolute_url() + "#avis")


def evaluation(request):
    """All partnerships side by side: last assessment, spending, citizens' ratings, and a
    chart per axis of the partnerships on the page."""
    partnerships = Partnership.objects.select_related(
        "french_authority", "partner__country"
    ).by_last_assessment()
    result = browse(request, EvaluationFilter, partnerships)
    rows = result.page.object_list
    themes = list(Theme.objects.all())
    distributions = score_distributions([p.pk for p in rows])
    return render(
        request,
        "evaluation/evaluation.html",
        {
            "result": result,
            "themes": themes,
            "charts": [charts.axis_chart(theme, rows, distributions) for theme in themes],
            "minimum_reviewers": MINIMUM_REVIEWERS,
        },
        status=result.status,
    )
