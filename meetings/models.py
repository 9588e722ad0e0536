"""Public meetings (presentations and assessments of the city's cooperation) and the
citizens registered for them, with a waiting list once the places are taken."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def with_counts(self):
        return self.annotate(
            registered_count=models.Count(
                "registrations", filter=models.Q(registrations__status=RegistrationStatus.REGISTERED)
            ),
            waiting_count=models.Count(
                "registrations", filter=models.Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )


class Meeting(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=200, unique=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de la rencontre en ligne"), blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"))
    partnerships = models.ManyToManyField(
        "cooperation.Partnership", blank=True, related_name="meetings", verbose_name=_("partenariats")
    )
    networks = models.ManyToManyField(
        "networks.Network", blank=True, related_name="meetings", verbose_name=_("réseaux")
    )
    minutes = models.TextField(_("compte rendu"), blank=True)
    documents = models.TextField(
        _("documents"), blank=True, help_text=_("Un document par ligne : son adresse, puis son titre.")
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Une rencontre finit après son début."),
            ),
            models.CheckConstraint(
                condition=~models.Q(place="", online_url=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Indiquez le lieu de la rencontre ou son lien en ligne."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.slug])

    def is_past(self, now=None) -> bool:
        return self.ends_at < (now or timezone.now())

    def has_started(self, now=None) -> bool:
        """Registration closes when the meeting starts."""
        return self.starts_at <= (now or timezone.now())

    def document_links(self) -> list[tuple[str, str]]:
        """[(url, title)] from the documents text: one per line, the address then the title."""
        links = []
        for line in self.documents.splitlines():
            url, _sep, title = line.strip().partition(" ")
            if url.startswith(("https://", "http://")):
                links.append((url, title.strip() or url))
        return links


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("inscrit")
    WAITING = "waiting", _("en liste d’attente")


class Registration(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("rencontre")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("citoyen"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "citizen"], name="one_registration_per_citizen"),
        ]

    def __str__(self):
        return f"{self.citizen} — {self.meeting}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()
