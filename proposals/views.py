from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.browse import browse, page_of
from core.ratelimit import is_limited, rate_limit
from proposals import permissions, services
from proposals.filters import ProposalFilter
from proposals.forms import CommentForm, ProposalForm, ReportForm, VoteForm
from proposals.models import Comment, Proposal, Topic, Vote

COMMENTS_PER_PAGE = 20
# What the public reads in place of a hidden préconisation's title, wherever it would show.
HIDDEN_TITLE = gettext_lazy("Préconisation masquée par la modération")


def _get_proposal(slug) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("author", "topic"), slug=slug)


def _get_comment(pk) -> Comment:
    return get_object_or_404(Comment.objects.select_related("proposal", "author"), pk=pk)


def _require_verified(request):
    """Signed in but e-mail not verified: a 403 that says what to do."""
    if not permissions.is_verified(request.user):
        raise PermissionDenied(
            _("Vérifiez votre adresse e-mail pour participer : le lien vous a été envoyé à l’inscription.")
        )


def _title_for(user, proposal) -> str:
    """A hidden préconisation's title is read by its author and staff only: a title can
    carry what moderation hid as well as a text."""
    if not proposal.is_hidden or user.is_staff or (user.is_authenticated and user.pk == proposal.author_id):
        return proposal.title
    return HIDDEN_TITLE


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _user_votes(user, proposals) -> dict[int, str]:
    """The user's vote on each of these proposals, in one query."""
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(user=user, proposal__in=[p.pk for p in proposals]).values_list(
            "proposal_id", "value"
        )
    )


# Reading ---------------------------------------------------------------------------------


@require_safe
def proposal_list(request):
    result = browse(request, ProposalFilter, Proposal.objects.visible().for_cards())
    votes = _user_votes(request.user, result.page.object_list)
    for proposal in result.page.object_list:
        proposal.my_vote = votes.get(proposal.pk)
    return render(
        request,
        "proposals/proposal_list.html",
        {"result": result, "can_propose": permissions.can_propose(request.user)},
        status=result.status,
    )


@require_safe
def proposal_detail(request, slug):
    proposal = get_object_or_404(
        Proposal.objects.select_related("author", "topic").prefetch_related("tags", "themes"), slug=slug
    )
    return _render_detail(request, proposal)


def _render_detail(request, proposal, *, comment_form=None, status=200):
    comments = page_of(
        proposal.comments.top_level().select_related("author"),
        request.GET.get("page"),
        COMMENTS_PER_PAGE,
    )
    # Replies of the page's comments: one query, whatever the number of comments.
    replies = {}
    for reply in Comment.objects.filter(parent__in=[c.pk for c in comments.object_list]).select_related(
        "author"
    ):
        replies.setdefault(reply.parent_id, []).append(reply)
    for comment in comments.object_list:
        comment.reply_list = replies.get(comment.pk, [])
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "proposal_title": _title_for(request.user, proposal),
            "tags": proposal.tags.all(),
            "themes": proposal.themes.all(),
            "my_vote": _user_votes(request.user, [proposal]).get(proposal.pk),
            "comments": comments,
            "comment_form": comment_form or CommentForm(),
            "report_form": ReportForm(),
            "can_vote": permissions.can_vote(request.user, proposal),
            "can_comment": permissions.can_comment(request.user, proposal),
            "can_edit": permissions.can_edit_proposal(request.user, proposal),
            "can_withdraw": permissions.can_withdraw_proposal(request.user, proposal),
            "can_report": request.user.is_authenticated
            and permissions.can_report(request.user, proposal=proposal),
            "is_verified": permissions.is_verified(request.user),
        },
        status=status,
    )


# Voting ----------------------------------------------------------------------------------


@require_POST
@login_required
def vote(request, slug):
    proposal = _get_proposal(slug)
    # The rate limit and the verified address are checked here rather than by
    # @rate_limit and _require_verified alone: an htmx request gets the vote box with the
    # refusal in it (htmx shows no whole page), a plain one the usual 429 and 403 pages.
    if is_limited(request, "vote"):
        if _is_htmx(request):
            error = _("Trop de votes en peu de temps : patientez une minute avant de recommencer.")
            return _vote_answer(request, proposal, error=error, status=429)
        return render(request, "429.html", {"action": "vote"}, status=429)
    try:
        _require_verified(request)
    except PermissionDenied as refusal:
        if not _is_htmx(request):
            raise
        return _vote_answer(request, proposal, error=str(refusal), status=403)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _vote_answer(request, proposal, error=form.errors["value"][0], status=400)
    try:
        if form.cleaned_data["value"] == "retirer":
            proposal = services.vote_withdraw(proposal=proposal, user=request.user)
            message = _("Votre vote a été retiré.")
        else:
            proposal = services.vote_cast(
                proposal=proposal, user=request.user, value=form.cleaned_data["value"]
            )
            message = _("Votre vote a été enregistré.")
    except PermissionDenied:
        return _vote_answer(
            request, proposal, error=_("Les votes sont clos sur cette préconisation."), status=403
        )
    return _vote_answer(request, proposal, message=message)


def _vote_answer(request, proposal, *, message="", error="", status=200):
    """htmx: the vote box, updated in place. Without JavaScript: back to the proposal."""
    if _is_htmx(request):
        context = {
            "proposal": proposal,
            "my_vote": _user_votes(request.user, [proposal]).get(proposal.pk),
            "can_vote": permissions.can_vote(request.user, proposal),
            "vote_message": message,
            "vote_error": error,
        }
        return render(request, "proposals/_vote_box.html", context, status=status)
    if error:
        messages.error(request, error)
        return _render_detail(request, proposal, status=status)
    messages.success(request, message)
    return redirect(f"{proposal.get_absolute_url()}#vote")


# Proposing -------------------------------------------------------------------------------


@login_required
@rate_limit("propose")
def proposal_create(request):
    _require_verified(request)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            proposal = services.proposal_create(
                user=request.user,
                topic=get_object_or_404(Topic, is_home=True),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                themes=form.cleaned_data["themes"],
            )
            messages.success(request, _("Votre préconisation est publiée."))
            return redirect(proposal)
        return render(request, "proposals/proposal_form.html", {"form": form}, status=400)
    return render(request, "proposals/proposal_form.html", {"form": form})


@login_required
@rate_limit("proposal_edit")
def proposal_edit(request, slug):
    proposal = _get_proposal(slug)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied(
            _("Seul l’auteur modifie sa préconisation, et seulement avant le premier vote.")
        )
    initial = {
        "title": proposal.title,
        "body": proposal.body,
        "tags": ", ".join(tag.name for tag in proposal.tags.all()),
        "themes": [theme.slug for theme in proposal.themes.all()],
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_edit(proposal=proposal, user=request.user, **form.cleaned_data)
            except PermissionDenied:
                messages.error(request, _("Un premier vote vient d’arriver : le texte ne peut plus changer."))
                return redirect(proposal)
            messages.success(request, _("Votre préconisation est modifiée."))
            return redirect(proposal)
        return render(
            request, "proposals/proposal_form.html", {"form": form, "proposal": proposal}, status=400
        )
    return render(request, "proposals/proposal_form.html", {"form": form, "proposal": proposal})


@require_POST
@login_required
def proposal_withdraw(request, slug):
    proposal = _get_proposal(slug)
    services.proposal_withdraw(proposal=proposal, user=request.user)
    messages.success(request, _("Votre préconisation est retirée : les votes sont clos."))
    return redirect(proposal)


# Comments --------------------------------------------------------------------------------


@require_POST
@login_required
@rate_limit("comment")
def comment_create(request, slug):
    proposal = _get_proposal(slug)
    _require_verified(request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, comment_form=form, status=400)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], proposal=proposal).first()
        if parent is None:
            form.add_error(None, _("Le commentaire auquel vous répondez n’existe pas."))
            return _render_detail(request, proposal, comment_form=form, status=400)
    try:
        comment = services.comment_post(
            proposal=proposal,
            user=request.user,
            body=form.cleaned_data["body"],
            alignment=form.cleaned_data["alignment"],
            parent=parent,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, proposal, comment_form=form, status=400)
    messages.success(request, _("Votre commentaire est publié."))
    return redirect(comment.get_absolute_url())


@login_required
@rate_limit("comment_edit")
def comment_edit(request, pk):
    comment = _get_comment(pk)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied(_("Seul l’auteur modifie son commentaire."))
    form = CommentForm(request.POST or None, initial={"body": comment.body, "alignment": comment.alignment})
    context = {"form": form, "comment": comment, "proposal_title": _title_for(request.user, comment.proposal)}
    if request.method == "POST":
        if form.is_valid():
            services.comment_edit(
                comment=comment,
                user=request.user,
                body=form.cleaned_data["body"],
                alignment=form.cleaned_data["alignment"],
            )
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(comment.get_absolute_url())
        return render(request, "proposals/comment_form.html", context, status=400)
    return render(request, "proposals/comment_form.html", context)


@require_POST
@login_required
def comment_delete(request, pk):
    comment = _get_comment(pk)
    services.comment_delete(comment=comment, user=request.user)
    messages.success(request, _("Votre commentaire est supprimé."))
    return redirect(comment.get_absolute_url())


# Reports ---------------------------------------------------------------------------------


@require_POST
@login_required
@rate_limit("report")
def proposal_report(request, slug):
    proposal = _get_proposal(slug)
    return _report(request, proposal, proposal=proposal)


@require_POST
@login_required
@rate_limit("report")
def comment_report(request, pk):
    comment = _get_comment(pk)
    return _report(request, comment.proposal, comment=comment)


def _report(request, page_proposal, **target):
    """Report a proposal or one of its comments (`target`: proposal= or comment=); a refusal
    re-renders the page of `page_proposal` with a 400."""
    _require_verified(request)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _render_detail(request, page_proposal, status=400)
    try:
        report = services.report_create(user=request.user, **form.cleaned_data, **target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_detail(request, page_proposal, status=400)
    messages.success(request, _("Merci : votre signalement est transmis à l’équipe de modération."))
    return redirect(report.target.get_absolute_url())
