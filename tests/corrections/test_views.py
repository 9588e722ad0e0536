"""Citizens' corrections, through HTTP: the link on every catalogue page, who may send
one (anonymous visitors are asked to log in, unverified citizens refused), what a sent
correction writes, the refusals that write nothing, the rate limit and the page's fixed
number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from corrections.models import Correction, CorrectionStatus, TargetKind
from tests.factories import NetworkFactory, VerifiedUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

LINK = "Signaler une erreur ou proposer une source"


@pytest.fixture
def page(request, partnership, local_authority, organisation, network):
    """One catalogue page of each kind: (kind, the object)."""
    kind = request.param
    target = {
        TargetKind.PARTNERSHIP: partnership,
        TargetKind.AUTHORITY: local_authority,
        TargetKind.ORGANISATION: organisation,
        TargetKind.NETWORK: network,
    }[kind]
    return kind, target


ALL_KINDS = pytest.mark.parametrize("page", list(TargetKind), indirect=True, ids=list(TargetKind.values))


def form_url(kind, target) -> str:
    return reverse("corrections:correction_create", args=[kind, target.slug])


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The link on the catalogue's pages -------------------------------------------------------


@ALL_KINDS
def test_every_catalogue_page_links_to_its_correction_form(client, page):
    kind, target = page

    response = client.get(target.get_absolute_url())

    assert response.status_code == 200
    assert LINK in visible_text(response)
    assert f'href="{form_url(kind, target)}"' in response.content.decode()
    assert form_url(kind, target) == f"/corrections/{kind}/{target.slug}/"


def test_the_link_follows_the_page_language(client, network):
    response = client.get(f"/en{network.get_absolute_url()}")

    assert f'href="/en/corrections/reseaux/{network.slug}/"' in response.content.decode()


# Who may send one ------------------------------------------------------------------------


@ALL_KINDS
def test_anonymous_visitors_get_a_log_in_link_back_to_the_form(client, page):
    kind, target = page

    response = client.get(form_url(kind, target))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Connectez-vous pour signaler une erreur" in text
    assert str(target) in text
    assert f'href="/comptes/login/?next=/corrections/{kind}/{target.slug}/"' in response.content.decode()
    assert '<form method="post"' not in response.content.decode()


def test_an_anonymous_post_goes_to_the_log_in_and_writes_nothing(client, partnership):
    url = form_url(TargetKind.PARTNERSHIP, partnership)

    response = client.post(url, {"problem": "La date est fausse."})

    assert response.status_code == 302
    assert response["Location"] == f"/comptes/login/?next={url}"
    assert not Correction.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_unverified_citizens_are_refused_in_french_and_nothing_is_written(citizen_client, network, method):
    response = getattr(citizen_client, method)(form_url(TargetKind.NETWORK, network), {"problem": "Faux."})

    assert response.status_code == 403
    text = visible_text(response)
    assert "Vérifiez votre adresse e-mail pour participer" in text
    assert "Rien n’a été enregistré." in text
    assert not Correction.objects.exists()


def test_unknown_kinds_and_pages_are_not_found(client, network):
    assert client.get(f"/corrections/pays/{network.slug}/").status_code == 404
    assert client.get("/corrections/reseaux/reseau-inconnu/").status_code == 404


# Sending ---------------------------------------------------------------------------------


@ALL_KINDS
def test_a_verified_citizen_sends_a_correction_and_is_thanked_on_the_page(verified_citizen, page):
    kind, target = page
    client = _logged_in(verified_citizen)
    form = client.get(form_url(kind, target))
    assert form.status_code == 200
    assert "Ce qui est faux ou manque" in visible_text(form)

    response = client.post(
        form_url(kind, target),
        {
            "problem": "  L’année de signature est 1992, pas 1990.  ",
            "reason": "Délibération du conseil municipal.",
            "source_url": "https://www.exemple.fr/deliberation-1992",
        },
        follow=True,
    )

    assert response.redirect_chain == [(target.get_absolute_url(), 302)]
    assert "Merci : votre correction est transmise à l’équipe d’Archipel." in visible_text(response)
    [correction] = Correction.objects.all()
    assert correction.kind == kind
    assert correction.target == target
    assert correction.citizen == verified_citizen
    assert correction.problem == "L’année de signature est 1992, pas 1990."
    assert correction.reason == "Délibération du conseil municipal."
    assert correction.source_url == "https://www.exemple.fr/deliberation-1992"
    assert correction.status == CorrectionStatus.NEW
    assert correction.language == "fr"
    assert (correction.answer, correction.decided_at, correction.decided_by) == ("", None, None)


def test_reason_and_source_are_optional_and_an_english_page_asks_for_an_answer_in_english(
    verified_citizen, network
):
    client = _logged_in(verified_citizen)

    response = client.post(f"/en/corrections/reseaux/{network.slug}/", {"problem": "Missing member."})

    assert response.status_code == 302
    assert response["Location"] == f"/en/reseaux/{network.slug}/"
    [correction] = Correction.objects.all()
    assert (correction.reason, correction.source_url, correction.language) == ("", "", "en")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"problem": ""}, "Dites ce qui est faux ou ce qui manque."),
        ({"problem": "   \n  "}, "Dites ce qui est faux ou ce qui manque."),
        ({"problem": "x" * 2001}, "Ce texte fait au plus 2000 caractères (il en a 2001)."),
        ({"problem": "Faux.", "source_url": "pas une adresse"}, "Saisissez une adresse web complète"),
        ({"problem": "Faux.", "source_url": "javascript:alert(1)"}, "Saisissez une adresse web complète"),
        ({"problem": "Faux.", "source_url": "ftp://exemple.fr/doc"}, "Saisissez une adresse web complète"),
        (
            {"problem": "Faux.", "source_url": "https://exemple.fr/" + "a" * 500},
            "Une adresse fait au plus 500 caractères",
        ),
    ],
    ids=["empty", "blank", "too-long", "not-a-url", "javascript", "ftp", "long-url"],
)
def test_bad_input_answers_400_in_french_and_writes_nothing(verified_citizen, organisation, data, message):
    client = _logged_in(verified_citizen)

    response = client.post(form_url(TargetKind.ORGANISATION, organisation), data)

    assert response.status_code == 400
    text = visible_text(response)
    assert "Corrigez les erreurs ci-dessous." in text
    assert message in text
    assert not Correction.objects.exists()


def test_a_source_without_scheme_is_read_as_https(verified_citizen, organisation):
    client = _logged_in(verified_citizen)

    client.post(
        form_url(TargetKind.ORGANISATION, organisation), {"problem": "Faux.", "source_url": "www.exemple.fr"}
    )

    assert Correction.objects.get().source_url == "https://www.exemple.fr"


def test_corrections_are_rate_limited(verified_citizen, local_authority, settings):
    settings.ARCHIPEL_RATE_LIMITS = {"correct": (2, 3600)}
    client = _logged_in(verified_citizen)
    url = form_url(TargetKind.AUTHORITY, local_authority)

    answers = [client.post(url, {"problem": f"Erreur {n}."}).status_code for n in range(3)]

    assert answers == [302, 302, 429]
    assert Correction.objects.count() == 2


# Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "verified"])
def test_the_form_page_keeps_a_fixed_number_of_queries(
    client, verified_citizen, partnership, assert_constant_queries, signed_in
):
    if signed_in:
        client.force_login(verified_citizen)
    url = form_url(TargetKind.PARTNERSHIP, partnership)

    def more_corrections():
        for n in range(28):
            VerifiedUserFactory(username=f"correctrice{n}").corrections.create(
                kind=TargetKind.PARTNERSHIP, partnership=partnership, problem=f"Erreur {n}."
            )
            NetworkFactory()

    # Anonymous: the partnership with its two authorities. Signed in: the session, the
    # user, the partnership, the verified address.
    assert_constant_queries(lambda: client.get(url), more_corrections, 4 if signed_in else 1)
