"""Writes of citizens' corrections: one transaction each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import is_verified
from corrections.models import CITIZEN_CHANGE_REASON, TARGETS, Correction, CorrectionStatus, TargetKind
from mailing.models import MessageKind
from mailing.services import Recipient, mail_one


def kind_of(target) -> TargetKind:
    for kind, (_field, model, _related) in TARGETS.items():
        if isinstance(target, model):
            return kind
    raise TypeError(f"{type(target).__name__} is not a catalogue page")


@transaction.atomic
def correction_submit(
    *, target, citizen, problem: str, reason: str = "", source_url: str = "", language: str = "fr"
) -> Correction:
    """A verified citizen sends a correction of `target` (a partnership, an authority,
    an organisation or a network); the answer will be written in `language`."""
    if not is_verified(citizen):
        raise ValidationError(_("Seul un citoyen à l’adresse vérifiée peut proposer une correction."))
    kind = kind_of(target)
    return Correction.objects.create(
        kind=kind,
        **{TARGETS[kind][0]: target},
        citizen=citizen,
        language=language,
        problem=problem,
        reason=reason,
        source_url=source_url,
    )


@transaction.atomic
def correction_decide(*, correction: Correction, status: str, answer: str, decided_by) -> Correction:
    """Staff accept or decline a new correction with an answer, which the citizen is sent
    (by the workers, once this transaction has committed). A decision is final: a second
    one is refused, so that nobody is told two things.

    Accepting credits the citizen in the catalogue's history: the changes `decided_by`
    made since the correction came in, to the corrected page and to the rows its history
    page shows with it (a network's memberships…), are marked "Sur proposition d’un
    citoyen" (`correction.credited`: how many). Staff make the change first, then accept.
    """
    answer = answer.strip()
    if status not in (CorrectionStatus.ACCEPTED, CorrectionStatus.DECLINED):
        raise ValidationError(_("Une décision accepte ou refuse la correction."), code="invalid_status")
    if not answer:
        raise ValidationError(_("Écrivez la réponse envoyée au citoyen."), code="answer_required")
    # Locked: two staff members deciding at once would each send their answer.
    correction = (
        Correction.objects.select_for_update(of=("self",)).select_related("citizen").get(pk=correction.pk)
    )
    if correction.status != CorrectionStatus.NEW:
        raise ValidationError(_("Cette correction a déjà reçu une réponse."), code="already_decided")
    correction.status, correction.answer = status, answer
    correction.decided_by, correction.decided_at = decided_by, timezone.now()
    correction.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    correction.credited = 0
    if status == CorrectionStatus.ACCEPTED:
        correction.credited = _credit_history(correction)
    citizen = correction.citizen
    if citizen is not None and citizen.email:
        mail_one(
            kind=MessageKind.CORRECTION,
            recipient=Recipient(address=citizen.email, language=correction.language),
            template="corrections/email/answer",
            target=correction,
            # What the citizen is told is the decision of this moment.
            context={"accepted": status == CorrectionStatus.ACCEPTED, "answer": answer},
        )
    return correction


def has_history(correction: Correction) -> bool:
    """Whether the corrected page keeps a history (django-simple-history)."""
    return bool(_history_of(correction.target))


def _keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _history_of(target) -> list:
    """The historical records of `target` and of the rows pointing at it that keep a
    history (a network's memberships and key dates, a partnership's milestones): what its
    public history page shows. Empty before the catalogue kept a history."""
    model = type(target)
    records = []
    if _keeps_history(model):
        records.append(target.history.all())
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.one_to_many and _keeps_history(related):
            historical = getattr(related, related._meta.simple_history_manager_attribute).model
            records.append(historical.objects.filter(**{relation.field.attname: target.pk}))
    return records


def _credit_history(correction: Correction) -> int:
    """Mark the changes `decided_by` made to the page since the correction came in."""
    credited = 0
    for records in _history_of(correction.target):
        credited += (
            records.filter(history_user=correction.decided_by, history_date__gte=correction.created_at)
            .filter(Q(history_change_reason__isnull=True) | Q(history_change_reason=""))
            .update(history_change_reason=CITIZEN_CHANGE_REASON)
        )
    return credited
