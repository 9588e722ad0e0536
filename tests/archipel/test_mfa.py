"""Two-factor authentication (allauth.mfa, archipel.mfa): mandatory for staff before the
admin, asked at every log-in once on, /admin/login/ as the site's log-in, and citizens
turning it on and off from /profil/. Every flow through allauth's real pages."""

import re
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.models import Partnership, PartnershipKind
from tests.factories import (
    PASSWORD,
    FrenchAuthorityFactory,
    LocalAuthorityFactory,
    PartnershipFactory,
    StaffUserFactory,
    totp_code,
    verify,
)
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

ACTIVATE = "/comptes/2fa/totp/activate/"
DEACTIVATE = "/comptes/2fa/totp/deactivate/"
AUTHENTICATE = "/comptes/2fa/authenticate/"
RECOVERY_CODES = "/comptes/2fa/recovery-codes/"
MFA_INDEX = "/comptes/2fa/"
LOGIN = "/comptes/login/"
REAUTHENTICATE = "/comptes/reauthenticate/"
REPORTS = "/admin/proposals/report/"


@pytest.fixture
def newcomer():
    """Staff who have not set up two-factor authentication yet (a verified address: the
    site's log-in asks for one)."""
    return verify(StaffUserFactory(username="nouvelle", authenticator_app=False))


@pytest.fixture
def staff(staff_user):
    """The standing staff member (an authenticator app: STAFF_TOTP_SECRET), with the
    verified address the site's log-in asks for."""
    return verify(staff_user)


def log_in(client, user, next_url=""):
    """The site's log-in form, as a person fills it in: the response to the password."""
    url = f"{LOGIN}?next={quote(next_url)}" if next_url else LOGIN
    return client.post(url, {"login": user.email, "password": PASSWORD})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def secret_on(response) -> str:
    """The secret allauth shows under the QR code, as a person would type it in an app."""
    match = re.search(r'id="authenticator_secret"[^>]* value="([A-Z2-7]+)"', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def confirm_password(client, url):
    """allauth asks for the password again before a change of two-factor authentication
    (MFA_REAUTHENTICATION_REQUIRED): GET `url`, give the password, land back on `url`."""
    response = client.get(url)
    assert response["Location"] == f"{REAUTHENTICATE}?next={quote(url, safe='')}"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == url
    return client.get(url)


def activate(client, user):
    """allauth's set-up: open the page, read the secret, send the code it makes now."""
    secret = secret_on(confirm_password(client, ACTIVATE))
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302, visible_text(response)
    return secret, response


# Staff without it: nothing of the admin before the set-up -------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/", REPORTS, reverse("admin:cooperation_partnership_add"), "/admin/jsi18n/"]
)
def test_staff_without_it_are_sent_to_set_it_up_from_any_admin_page(client, newcomer, url):
    client.force_login(newcomer)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    page = client.get(ACTIVATE, follow=True)
    assert "L’administration demande la double authentification" in visible_text(page)


def test_staff_without_it_cannot_post_anything_in_the_admin(client, newcomer):
    client.force_login(newcomer)
    before = Partnership.objects.count()

    response = client.post(
        reverse("admin:cooperation_partnership_add"),
        {
            "french_authority": FrenchAuthorityFactory().pk,
            "partner": LocalAuthorityFactory().pk,
            "kind": PartnershipKind.TWINNING,
            "status": "actif",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    assert Partnership.objects.count() == before


def test_staff_set_it_up_through_allauth_then_reach_the_admin(client, newcomer):
    # From the admin to the site's log-in, then to the set-up.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=/admin/"
    response = log_in(client, newcomer, next_url="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == ACTIVATE

    reauthenticate = client.get(ACTIVATE, follow=True)
    assert "L’administration demande la double authentification" in visible_text(reauthenticate)
    page = confirm_password(client, ACTIVATE)
    assert page.status_code == 200
    assert "Activer l'application d'authentification" in visible_text(page)
    # The QR code is an image in a data: URL (the Content-Security-Policy allows those).
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page.content.decode())
    secret = secret_on(page)
    assert (
        page.context["totp_url"] == f"otpauth://totp/nouvelle%40example.org?secret={secret}&issuer=Archipel"
    )

    refused = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert refused.status_code == 200
    assert "Code incorrect." in visible_text(refused)
    assert not Authenticator.objects.filter(user=newcomer).exists()
    assert client.get("/admin/")["Location"] == ACTIVATE

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response["Location"] == RECOVERY_CODES
    assert set(Authenticator.objects.filter(user=newcomer).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    codes = client.get(RECOVERY_CODES)
    assert "Codes de récupération" in visible_text(codes)
    assert '<a class="button" href="/admin/">Continuer vers l’administration</a>' in codes.content.decode()

    admin_index = client.get("/admin/")
    assert admin_index.status_code == 200
    assert "Catalogue et participation" in visible_text(admin_index)


def test_staff_cannot_turn_it_off(client, staff):
    log_in(client, staff)
    client.post(AUTHENTICATE, {"code": totp_code()})
    assert is_logged_in(client)

    page = confirm_password(client, DEACTIVATE)
    response = client.post(DEACTIVATE)

    assert "Les comptes de l’équipe gardent la double authentification" in visible_text(page)
    assert response.status_code == 200
    assert "Les comptes de l’équipe gardent la double authentification" in visible_text(response)
    assert Authenticator.objects.filter(user=staff, type="totp").exists()


# With it on: the log-in asks for a code -------------------------------------------------------


def test_the_log_in_asks_for_the_code_and_refuses_a_wrong_one(client, staff):
    response = log_in(client, staff, next_url=REPORTS)

    assert response["Location"] == AUTHENTICATE
    assert not is_logged_in(client)
    page = client.get(AUTHENTICATE)
    assert "Authentification à deux facteurs" in visible_text(page)

    wrong = "000000" if totp_code() != "000000" else "111111"
    refused = client.post(AUTHENTICATE, {"code": wrong})
    assert refused.status_code == 200
    assert "Code incorrect." in visible_text(refused)
    assert not is_logged_in(client)
    assert client.get(REPORTS)["Location"].startswith("/admin/login/")

    response = client.post(AUTHENTICATE, {"code": totp_code()})
    assert response["Location"] == REPORTS
    assert int(client.session["_auth_user_id"]) == staff.pk
    assert client.get(REPORTS).status_code == 200


def test_a_code_is_accepted_once(client, staff):
    code = totp_code()
    log_in(client, staff)
    client.post(AUTHENTICATE, {"code": code})
    assert is_logged_in(client)
    client.post(reverse("account_logout"))

    log_in(client, staff)
    response = client.post(AUTHENTICATE, {"code": code})

    assert response.status_code == 200
    assert not is_logged_in(client)


def test_a_recovery_code_works_once(client, staff):
    code = RecoveryCodes.activate(staff).get_unused_codes()[0]

    log_in(client, staff)
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.status_code == 302
    assert is_logged_in(client)
    client.post(reverse("account_logout"))

    log_in(client, staff)
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    assert "Code incorrect." in visible_text(response)
    assert not is_logged_in(client)


# The admin's log-in and log-out are the site's -----------------------------------------------


def test_the_admin_log_in_is_the_sites_with_next_kept(client):
    response = client.get(f"/admin/login/?next={REPORTS}")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={REPORTS}"
    # An anonymous visitor of an admin page gets there too, by the admin's own redirect.
    response = client.get(REPORTS, follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next={REPORTS}"
    assert "Connexion" in visible_text(response)


def test_the_admin_log_in_posts_nothing_to_the_admin(client, staff_user):
    response = client.post("/admin/login/", {"username": "equipe", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_logged_in(client)


def test_staff_go_from_the_admin_log_in_to_the_page_they_asked_for(client, staff):
    response = client.get(f"/admin/login/?next={REPORTS}", follow=True)
    login_url = response.redirect_chain[-1][0]

    assert client.post(login_url, {"login": staff.email, "password": PASSWORD})["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": totp_code()})

    assert response["Location"] == REPORTS


def test_a_citizen_signed_in_is_refused_the_admin_log_in_rather_than_sent_round(client, citizen):
    client.force_login(citizen)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert "Votre compte n’a pas accès à l’administration." in visible_text(response)


def test_the_admin_log_out_is_the_sites(staff_client):
    response = staff_client.post("/admin/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_logged_in(staff_client)


# Citizens may turn it on and off from their page ----------------------------------------------


def test_a_citizen_turns_it_on_and_off_from_the_profile(client, verified_citizen):
    log_in(client, verified_citizen)

    profile = client.get("/profil/")
    assert "Double authentification non activée" in visible_text(profile)
    assert (
        f'<a class="button" href="{MFA_INDEX}">Activer la double authentification</a>'
        in profile.content.decode()
    )
    index = client.get(MFA_INDEX)
    assert "Aucune application d'authentification active." in visible_text(index)

    activate(client, verified_citizen)
    assert Authenticator.objects.filter(user=verified_citizen, type="totp").exists()
    assert "L'authentification à l'aide d'une application d'authentification est active." in visible_text(
        client.get(MFA_INDEX)
    )
    profile = client.get("/profil/")
    assert "Double authentification activée" in visible_text(profile)
    assert (
        f'<a class="button" href="{MFA_INDEX}">Gérer la double authentification</a>'
        in profile.content.decode()
    )
    # The next log-in asks for a code.
    client.post(reverse("account_logout"))
    assert log_in(client, verified_citizen)["Location"] == AUTHENTICATE
    client.post(AUTHENTICATE, {"code": totp_code(_secret_of(verified_citizen))})
    assert is_logged_in(client)

    page = confirm_password(client, DEACTIVATE)
    assert "Désactiver l'application d'authentification" in visible_text(page)
    response = client.post(DEACTIVATE)
    assert response["Location"] == MFA_INDEX
    assert not Authenticator.objects.filter(user=verified_citizen).exists()
    assert "Double authentification non activée" in visible_text(client.get("/profil/"))
    client.post(reverse("account_logout"))
    assert log_in(client, verified_citizen)["Location"] == reverse("proposals:proposal_list")


def _secret_of(user) -> str:
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])


def test_a_citizen_without_it_is_not_sent_to_set_it_up(client, verified_citizen):
    log_in(client, verified_citizen)

    assert client.get("/profil/").status_code == 200
    assert client.get("/preconisations/").status_code == 200


# What it costs --------------------------------------------------------------------------------


def _authenticator_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response, [
        query["sql"] for query in context.captured_queries if "mfa_authenticator" in query["sql"]
    ]


def test_the_admin_check_costs_one_query_on_admin_pages_and_none_elsewhere(staff_client):
    for url in ["/admin/", REPORTS, "/admin/cooperation/partnership/"]:
        response, queries = _authenticator_queries(staff_client, url)
        assert response.status_code == 200, url
        assert len(queries) == 1, url

    response, queries = _authenticator_queries(staff_client, "/preconisations/")
    assert response.status_code == 200
    assert queries == []


def test_the_admin_index_keeps_a_fixed_number_of_queries(staff_client, staff_user, assert_constant_queries):
    def record_changes(count):
        for partnership in PartnershipFactory.create_batch(count):
            LogEntry.objects.log_actions(staff_user.pk, [partnership], ADDITION, single_object=True)

    record_changes(2)
    # session, user, the authenticator check, the user's permissions (user, group), the
    # user's recent changes with their content types
    assert_constant_queries(lambda: staff_client.get("/admin/"), lambda: record_changes(28), 6)
