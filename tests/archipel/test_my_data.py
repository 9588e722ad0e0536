"""/profil/mes-donnees/: a citizen downloads everything Archipel keeps about them (GDPR
articles 15 and 20), and nothing about anybody else."""

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archipel import my_data
from corrections.services import correction_submit
from evaluation.models import Theme
from evaluation.services import review_save
from meetings.services import registration_create
from newsletter import tokens
from newsletter.models import Subscription
from proposals.models import Topic
from proposals.services import comment_post, proposal_create, report_create, vote_cast
from tests.archipel.test_html import assert_valid
from tests.factories import PASSWORD, ProposalFactory, VerifiedUserFactory, give_authenticator_app
from tests.meetings.helpers import make_meeting
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

URL = "/profil/mes-donnees/"


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _did_everything(user, *, partnership, words: str):
    """`user` votes, comments, proposes, reports, reviews, corrects and subscribes; every
    text they write carries `words`, to find it (or not) in a file."""
    topic = Topic.objects.get(is_home=True)
    own = proposal_create(user=user, topic=topic, title=f"Préconisation {words}", body=f"Texte {words}.")
    other = ProposalFactory(title=f"Autre préconisation {words}")
    vote_cast(proposal=other, user=user, value="pour")
    comment_post(proposal=other, user=user, body=f'=HYPERLINK("http://x") {words}', alignment="pour")
    report_create(user=user, reason="spam", details=f"Signalement {words}", proposal=other)
    themes = list(Theme.objects.order_by("position")[:2])
    review_save(
        author=user, partnership=partnership, scores={themes[0]: 4, themes[1]: 2}, comment=f"Avis {words}"
    )
    correction_submit(target=partnership, citizen=user, problem=f"Correction {words}", reason="Source")
    Subscription.objects.create(
        email_hash=tokens.email_hash(user.email), email=user.email, confirmed_at=timezone.now()
    )
    meeting = make_meeting(slug=f"rencontre-{user.username}", title=f"Rencontre {words}", capacity=1)
    registration_create(meeting=meeting, citizen=user)
    return own


def _download(client):
    response = client.post(URL)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    login = reverse("account_login")
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={URL}"
        assert not response.content


def test_the_page_lists_what_the_file_holds_and_what_will_join(verified_user):
    response = _logged_in(verified_user).get(URL)

    assert response.status_code == 200
    text = visible_text(response)
    for kind in my_data.KINDS:
        assert f"{kind.name}.csv" in text
    assert "Vos votes sur les préconisations." in text
    assert "vos suivis" in text and "vos notifications" in text
    assert "Télécharger mes données (ZIP)" in text
    assert_valid(response, URL)


def test_the_profile_links_to_the_page(verified_user):
    assert f'href="{URL}"' in _logged_in(verified_user).get("/profil/").content.decode()


def test_it_downloads_each_kind_and_nothing_of_anybody_else(partnership):
    citizen = VerifiedUserFactory(username="exporteuse", display_name="Exporteuse")
    give_authenticator_app(citizen)
    other = VerifiedUserFactory(username="voisin")
    own = _did_everything(citizen, partnership=partnership, words="de l’exporteuse")
    _did_everything(other, partnership=partnership, words="du voisin")

    response = _logged_in(citizen).post(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="archipel-mes-donnees-{today}.zip"'
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(["donnees.json"] + [f"{k.name}.csv" for k in my_data.KINDS])
    raw = archive.read("donnees.json").decode("utf-8")
    assert "l’exporteuse" in raw  # ensure_ascii=False: the apostrophe as it is
    data = json.loads(raw)

    [account] = data["compte"]
    assert account["identifiant"] == "exporteuse"
    assert account["nom_affiche"] == "Exporteuse"
    assert account["double_authentification"] is True
    assert account["inscrit_le"].startswith(citizen.date_joined.date().isoformat()[:4])
    assert data["adresses"] == [{"adresse": citizen.email, "verifiee": True, "principale": True}]
    [vote] = data["votes"]
    assert (vote["titre"], vote["vote"]) == ("Autre préconisation de l’exporteuse", "pour")
    [comment] = data["commentaires"]
    assert comment["texte"].startswith("=HYPERLINK") and comment["masque"] is False
    assert "motif_du_masquage" in comment
    [proposal] = data["preconisations"]
    assert (proposal["slug"], proposal["texte"]) == (own.slug, "Texte de l’exporteuse.")
    [report] = data["signalements"]
    assert (report["preconisation"], report["precisions"]) == (
        vote["preconisation"],
        "Signalement de l’exporteuse",
    )
    [review] = data["avis"]
    assert (review["partenariat"], review["commentaire"]) == (partnership.slug, "Avis de l’exporteuse")
    assert sorted(score["note"] for score in data["notes"]) == [2, 4]
    assert {score["avis"] for score in data["notes"]} == {review["id"]}
    [correction] = data["corrections"]
    assert (correction["partenariat"], correction["probleme"]) == (
        partnership.slug,
        "Correction de l’exporteuse",
    )
    [registration] = data["inscriptions_rencontres"]
    assert (registration["titre"], registration["statut"]) == ("Rencontre de l’exporteuse", "registered")
    [subscription] = data["lettre_d_information"]
    assert (subscription["adresse"], subscription["statut"]) == (citizen.email, "confirmée")
    assert subscription["confirmee_le"][:10] == today

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert "voisin" not in everything
    assert other.email not in everything


def test_it_never_holds_a_password_hash_or_a_totp_secret(verified_user):
    give_authenticator_app(verified_user)
    archive = _download(_logged_in(verified_user))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")

    verified_user.refresh_from_db()
    assert verified_user.password not in everything
    assert "pbkdf2" not in everything and "argon2" not in everything and "md5$" not in everything
    secret = verified_user.authenticator_set.get().data["secret"]
    assert secret not in everything
    assert "JBSWY3DPEHPK3PXP" not in everything


def test_the_csv_files_parse_and_formulas_are_neutralised(partnership):
    citizen = VerifiedUserFactory(username="tableur")
    _did_everything(citizen, partnership=partnership, words="en tableur")

    archive = _download(_logged_in(citizen))

    for kind in my_data.KINDS:
        rows = list(csv.reader(io.StringIO(archive.read(f"{kind.name}.csv").decode("utf-8"))))
        assert rows[0] == list(kind.columns)
        assert len(rows) == 1 + (2 if kind.name == "notes" else 1), kind.name
    [comment] = csv.DictReader(io.StringIO(archive.read("commentaires.csv").decode("utf-8")))
    assert comment["texte"].startswith("'=HYPERLINK")


def test_a_pending_sign_up_shows_as_pending_and_an_unverified_address_tells_nothing(verified_user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=verified_user, email="pas-verifiee@example.org", verified=False)
    Subscription.objects.create(email_hash=tokens.email_hash("pas-verifiee@example.org"))
    Subscription.objects.create(email_hash=tokens.email_hash(verified_user.email.upper()))

    data = json.loads(_download(_logged_in(verified_user)).read("donnees.json"))

    assert [(row["adresse"], row["statut"]) for row in data["lettre_d_information"]] == [
        (verified_user.email, "en attente de confirmation")
    ]


def test_it_is_rate_limited(verified_user, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"export": (2, 3600)}
    client = _logged_in(verified_user)

    answers = [client.post(URL) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "application/zip" not in answers[2]["Content-Type"]
    assert "Trop de demandes" in visible_text(answers[2])
    assert client.get(URL).status_code == 200  # reading the page is not limited


def test_it_makes_a_fixed_number_of_queries(partnership, assert_constant_queries):
    citizen = VerifiedUserFactory(username="constante")
    client = _logged_in(citizen)
    _did_everything(citizen, partnership=partnership, words="une fois")

    def grow():
        for n in range(5):
            vote_cast(proposal=ProposalFactory(), user=citizen, value="contre")
            comment_post(proposal=ProposalFactory(), user=citizen, body=f"Encore {n}")

    # session, user, then one query per kind (the account's: its authenticator app), the
    # newsletter's two (verified addresses, sign-ups).
    assert_constant_queries(lambda: client.post(URL), grow, 2 + len(my_data.KINDS) + 1)
