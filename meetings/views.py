from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cooperation.models import Partnership
from core.permissions import is_verified
from core.ratelimit import rate_limit
from meetings import calendar, services
from meetings.models import Meeting, Registration, RegistrationStatus


def _meetings():
    return Meeting.objects.published().with_counts()


def _get_meeting(slug) -> Meeting:
    """A published meeting, with what its page shows, or a 404."""
    partnerships = Partnership.objects.select_related("french_authority", "partner")
    return get_object_or_404(
        _meetings().prefetch_related(Prefetch("partnerships", queryset=partnerships), "networks"),
        slug=slug,
    )


@require_safe
def meeting_list(request):
    now = timezone.now()
    return render(
        request,
        "meetings/meeting_list.html",
        {"upcoming": list(_meetings().upcoming(now)), "past": list(_meetings().past(now))},
    )


@require_safe
def meeting_detail(request, slug):
    meeting = _get_meeting(slug)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(meeting=meeting, citizen=request.user).first()
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "is_past": meeting.is_past(),
            "has_started": meeting.has_started(),
            "remaining": max(meeting.capacity - meeting.registered_count, 0),
            "registration": registration,
            "can_register": is_verified(request.user),
        },
    )


def _require_verified(request):
    if not is_verified(request.user):
        raise PermissionDenied(
            _("Vérifiez votre adresse e-mail pour vous inscrire : le lien vous a été envoyé à l’inscription.")
        )


@require_POST
@rate_limit("meeting_register")
def register(request, slug):
    meeting = get_object_or_404(Meeting.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    _require_verified(request)
    try:
        registration = services.registration_create(meeting=meeting, citizen=request.user)
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    if registration.status == RegistrationStatus.REGISTERED:
        messages.success(request, _("Vous êtes inscrit à cette rencontre."))
    else:
        messages.info(request, _("La rencontre est complète : vous êtes sur la liste d’attente."))
    return redirect(meeting)


@require_POST
@rate_limit("meeting_register")
def cancel(request, slug):
    meeting = get_object_or_404(Meeting.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    try:
        services.registration_cancel(meeting=meeting, citizen=request.user)
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    messages.success(request, _("Votre inscription est annulée."))
    return redirect(meeting)


@require_safe
def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.published(), slug=slug)
    return _calendar_response(calendar.calendar([meeting], site_url=_site(request)), f"{meeting.slug}.ics")


@require_safe
def agenda_ics(request):
    meetings = Meeting.objects.published().order_by("starts_at", "pk")
    return _calendar_response(calendar.calendar(meetings, site_url=_site(request)), "rencontres.ics")


def _site(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
