"""A citizen's own data, as one ZIP file (GDPR articles 15 and 20): `donnees.json` with
everything, and one CSV per kind.

Each kind is one entry of KINDS: a name (its key in the JSON and its CSV's name), what
the page says it holds, its columns, and a function returning its rows for a user — one
query each (`values()`), so the file costs a fixed number of queries whatever the number
of rows. Follows and notifications join the list when those features exist
(PLANNED_KINDS, named on the page).

Never in the file: the password hash, the authenticator's secret, recovery codes, the
newsletter's hashes and sealed addresses, nor anything another person wrote (the title
of someone else's préconisation hidden by the moderation is left out, as /profil/ does).
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archipel.mfa import has_authenticator_app
from core.streaming import csv_lines
from corrections.models import Correction
from evaluation.models import PartnershipReview, ReviewScore
from meetings.models import Registration
from newsletter import tokens
from newsletter.models import Subscription
from proposals.models import Comment, Proposal, Report, Vote

JSON_NAME = "donnees.json"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    columns: tuple[str, ...]
    rows: Callable  # rows(user) -> list of dicts keyed by `columns`


def _proposal_title(prefix: str, user):
    """The préconisation's title, unless the moderation hid it and it is not the user's."""
    return Case(
        When(Q(**{f"{prefix}is_hidden": True}) & ~Q(**{f"{prefix}author": user}), then=Value("")),
        default=F(f"{prefix}title"),
    )


def account(user):
    return [
        {
            "identifiant": user.username,
            "nom_affiche": user.display_name,
            "adresse_principale": user.email,
            "inscrit_le": user.date_joined,
            "derniere_connexion": user.last_login,
            "courriel_reponses_officielles": user.email_answers,
            "courriel_moderation": user.email_moderation,
            "double_authentification": has_authenticator_app(user),
        }
    ]


def email_addresses(user):
    return list(
        EmailAddress.objects.filter(user=user)
        .order_by("pk")
        .values(adresse=F("email"), verifiee=F("verified"), principale=F("primary"))
    )


def votes(user):
    return list(
        Vote.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            preconisation=F("proposal__slug"),
            titre=_proposal_title("proposal__", user),
            vote=F("value"),
            vote_le=F("created_at"),
            modifie_le=F("updated_at"),
        )
    )


def comments(user):
    return list(
        Comment.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values(
            "id",
            preconisation=F("proposal__slug"),
            titre=_proposal_title("proposal__", user),
            en_reponse_a=F("parent_id"),
            texte=F("body"),
            position=F("alignment"),
            publie_le=F("created_at"),
            modifie_le=F("edited_at"),
            supprime_le=F("deleted_at"),
            masque=F("is_hidden"),
            motif_du_masquage=F("hidden_reason"),
        )
    )


def proposals(user):
    return list(
        Proposal.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values(
            "slug",
            titre=F("title"),
            texte=F("body"),
            statut=F("status"),
            reponse_officielle=F("official_answer"),
            repondue_le=F("answered_at"),
            votes_pour=F("votes_for"),
            votes_contre=F("votes_against"),
            commentaires=F("comment_count"),
            masquee=F("is_hidden"),
            motif_du_masquage=F("hidden_reason"),
            creee_le=F("created_at"),
            modifiee_le=F("updated_at"),
        )
    )


def reports(user):
    return list(
        Report.objects.filter(reporter=user)
        .order_by("created_at", "pk")
        .values(
            preconisation=F("proposal__slug"),
            commentaire=F("comment_id"),
            motif=F("reason"),
            precisions=F("details"),
            signale_le=F("created_at"),
            traite_le=F("resolved_at"),
        )
    )


def reviews(user):
    return list(
        PartnershipReview.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values(
            "id",
            partenariat=F("partnership__slug"),
            commentaire=F("comment"),
            masque=F("is_hidden"),
            motif_du_masquage=F("hidden_reason"),
            donne_le=F("created_at"),
            modifie_le=F("updated_at"),
        )
    )


def scores(user):
    return list(
        ReviewScore.objects.filter(review__author=user)
        .order_by("review__created_at", "review_id", "theme__position", "pk")
        .values(
            avis=F("review_id"),
            partenariat=F("review__partnership__slug"),
            axe=F("theme__name"),
            note=F("score"),
        )
    )


def corrections(user):
    return list(
        Correction.objects.filter(citizen=user)
        .order_by("created_at", "pk")
        .values(
            type_de_fiche=F("kind"),
            partenariat=F("partnership__slug"),
            collectivite=F("authority__slug"),
            organisme=F("organisation__slug"),
            reseau=F("network__slug"),
            probleme=F("problem"),
            pourquoi=F("reason"),
            source=F("source_url"),
            langue=F("language"),
            statut=F("status"),
            reponse=F("answer"),
            decidee_le=F("decided_at"),
            recue_le=F("created_at"),
        )
    )


def registrations(user):
    return list(
        Registration.objects.filter(citizen=user)
        .order_by("created_at", "pk")
        .values(
            rencontre=F("meeting__slug"),
            titre=F("meeting__title"),
            debut=F("meeting__starts_at"),
            statut=F("status"),
            inscrit_le=F("created_at"),
            rappel_envoye_le=F("reminded_at"),
        )
    )


def newsletter(user):
    """The newsletter sign-ups of the account's verified addresses. Sign-ups are stored by
    the address's keyed hash (a pending one keeps no readable address), so each verified
    address is hashed and looked up; an unverified address may be someone else's, and
    whether it signed up is not told."""
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    by_hash = {tokens.email_hash(address): tokens.normalise_email(address) for address in addresses}
    found = Subscription.objects.filter(email_hash__in=list(by_hash)).order_by("created_at", "pk")
    return [
        {
            "adresse": by_hash[row["email_hash"]],
            "statut": "confirmée" if row["confirmed_at"] else "en attente de confirmation",
            "langue": row["language"],
            "demandee_le": row["created_at"],
            "confirmee_le": row["confirmed_at"],
        }
        for row in found.values("email_hash", "language", "created_at", "confirmed_at")
    ]


KINDS = [
    Kind(
        "compte",
        _(
            "Votre compte : identifiant, nom affiché, dates d’inscription et de dernière connexion, "
            "préférences de courriel, double authentification activée ou non."
        ),
        (
            "identifiant",
            "nom_affiche",
            "adresse_principale",
            "inscrit_le",
            "derniere_connexion",
            "courriel_reponses_officielles",
            "courriel_moderation",
            "double_authentification",
        ),
        account,
    ),
    Kind(
        "adresses",
        _("Vos adresses e-mail, vérifiées ou non."),
        ("adresse", "verifiee", "principale"),
        email_addresses,
    ),
    Kind(
        "votes",
        _("Vos votes sur les préconisations."),
        ("preconisation", "titre", "vote", "vote_le", "modifie_le"),
        votes,
    ),
    Kind(
        "commentaires",
        _("Vos commentaires, y compris ceux masqués par la modération (avec le motif) ou supprimés."),
        (
            "id",
            "preconisation",
            "titre",
            "en_reponse_a",
            "texte",
            "position",
            "publie_le",
            "modifie_le",
            "supprime_le",
            "masque",
            "motif_du_masquage",
        ),
        comments,
    ),
    Kind(
        "preconisations",
        _("Vos préconisations, leur statut et leur réponse officielle."),
        (
            "slug",
            "titre",
            "texte",
            "statut",
            "reponse_officielle",
            "repondue_le",
            "votes_pour",
            "votes_contre",
            "commentaires",
            "masquee",
            "motif_du_masquage",
            "creee_le",
            "modifiee_le",
        ),
        proposals,
    ),
    Kind(
        "signalements",
        _("Vos signalements à la modération."),
        ("preconisation", "commentaire", "motif", "precisions", "signale_le", "traite_le"),
        reports,
    ),
    Kind(
        "avis",
        _("Vos avis sur les partenariats."),
        ("id", "partenariat", "commentaire", "masque", "motif_du_masquage", "donne_le", "modifie_le"),
        reviews,
    ),
    Kind(
        "notes", _("Vos notes des partenariats, axe par axe."), ("avis", "partenariat", "axe", "note"), scores
    ),
    Kind(
        "corrections",
        _("Vos corrections des fiches du catalogue et la réponse de l’équipe."),
        (
            "type_de_fiche",
            "partenariat",
            "collectivite",
            "organisme",
            "reseau",
            "probleme",
            "pourquoi",
            "source",
            "langue",
            "statut",
            "reponse",
            "decidee_le",
            "recue_le",
        ),
        corrections,
    ),
    Kind(
        "lettre_d_information",
        _("Votre inscription à la lettre d’information, pour vos adresses vérifiées."),
        ("adresse", "statut", "langue", "demandee_le", "confirmee_le"),
        newsletter,
    ),
    Kind(
        "inscriptions_rencontres",
        _("Vos inscriptions aux rencontres publiques, et votre place en liste d’attente."),
        ("rencontre", "titre", "debut", "statut", "inscrit_le", "rappel_envoye_le"),
        registrations,
    ),
]

# Kinds that join KINDS when their features exist (issue 13: follows, notifications),
# named on the page so nobody thinks they are forgotten.
PLANNED_KINDS = [
    _("vos suivis (préconisations, partenariats, réseaux, étiquettes suivis)"),
    _("vos notifications"),
]


def _plain(value):
    """Dates as ISO 8601 text, in the site's time zone; everything else as it is."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def collect(user) -> dict[str, list[dict]]:
    """Every kind's rows for `user`, dates as ISO text: one query or two per kind."""
    return {
        kind.name: [{column: _plain(row[column]) for column in kind.columns} for row in kind.rows(user)]
        for kind in KINDS
    }


def zip_bytes(user, *, now=None) -> bytes:
    """The ZIP file: `donnees.json` (everything) and `<kind>.csv` for each kind."""
    now = timezone.localtime(now or timezone.now())
    data = collect(user)
    document = {"genere_le": now.isoformat(), **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2))
        for kind in KINDS:
            rows = ([row[column] for column in kind.columns] for row in data[kind.name])
            archive.writestr(f"{kind.name}.csv", "".join(csv_lines(kind.columns, rows)))
    return buffer.getvalue()
