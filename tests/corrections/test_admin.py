"""Citizens' corrections in the admin, through HTTP: who gets in, the queue and its
filters in a fixed number of queries, the decision (accepted or declined, an answer
required, final once made), the answer e-mailed to the citizen by the queue's jobs, and
the accepted correction named in the page's public history."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from corrections import services
from corrections.models import CorrectionStatus, TargetKind
from mailing.models import Message, MessageKind
from tests.factories import MembershipFactory, NetworkFactory, StaffUserFactory, VerifiedUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:corrections_correction_changelist")


@pytest.fixture
def staff_user(staff_user):
    """The catalogue editor (tests/factories.py), who also handles corrections."""
    staff_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="corrections"))
    return staff_user


@pytest.fixture
def correction(verified_citizen, network):
    return services.correction_submit(
        target=network,
        citizen=verified_citizen,
        problem="Le réseau a été fondé en 1998, pas en 2000.",
        reason="Voir ses statuts.",
        source_url="https://www.exemple.fr/statuts",
    )


def change_url(correction) -> str:
    return reverse("admin:corrections_correction_change", args=[correction.pk])


def decide(client, correction, *, follow=False, **data):
    return client.post(change_url(correction), {"_save": "Enregistrer", **data}, follow=follow)


# Who gets in -----------------------------------------------------------------------------


# The citizen who sent the correction is verified: taking part does not open the admin.
@pytest.mark.parametrize("who", ["anonymous", "verified_citizen", "verified_other_citizen"])
def test_non_staff_cannot_reach_the_corrections_admin(request, client, correction, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for url in (CHANGELIST, change_url(correction)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    response = decide(client, correction, status=CorrectionStatus.ACCEPTED, answer="Merci.")
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.NEW


def test_staff_without_the_corrections_permissions_are_refused(client, network, correction):
    client.force_login(StaffUserFactory(username="sans-corrections"))

    assert client.get(CHANGELIST).status_code == 403
    assert decide(client, correction, status=CorrectionStatus.ACCEPTED, answer="Merci.").status_code == 403
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.NEW


# The queue -------------------------------------------------------------------------------


def test_the_queue_lists_new_corrections_first_with_their_page(staff_client, correction, partnership):
    older = services.correction_submit(
        target=partnership, citizen=VerifiedUserFactory(username="lecteur"), problem="Partenaire mal nommé."
    )
    services.correction_decide(
        correction=older, status=CorrectionStatus.DECLINED, answer="Le nom est exact.", decided_by=None
    )
    newer = services.correction_submit(
        target=partnership, citizen=VerifiedUserFactory(username="lectrice"), problem="Date manquante."
    )

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [newer, correction, older]
    text = visible_text(response)
    assert "Le réseau a été fondé en 1998, pas en 2000." in text
    assert str(partnership) in text


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status__exact": "nouvelle"}, ["network", "partnership"]),
        ({"status__exact": "refusee"}, []),
        ({"kind__exact": "reseaux"}, ["network"]),
        ({"kind__exact": "partenariats", "status__exact": "nouvelle"}, ["partnership"]),
        ({"q": "fondé"}, ["network"]),
    ],
)
def test_the_queue_filters_by_status_and_kind(staff_client, correction, partnership, params, expected):
    services.correction_submit(
        target=partnership, citizen=VerifiedUserFactory(username="lecteur"), problem="Partenaire mal nommé."
    )

    response = staff_client.get(CHANGELIST, params)

    assert response.status_code == 200
    assert sorted(c.kind for c in response.context["cl"].result_list) == sorted(
        {"network": TargetKind.NETWORK, "partnership": TargetKind.PARTNERSHIP}[name] for name in expected
    )


def test_the_queue_keeps_a_fixed_number_of_queries(
    staff_client, correction, partnership, local_authority, organisation, assert_constant_queries
):
    def more():
        for n in range(7):
            citizen = VerifiedUserFactory(username=f"correcteur{n}")
            for target in (partnership, local_authority, organisation, NetworkFactory()):
                services.correction_submit(target=target, citizen=citizen, problem=f"Erreur {n}.")

    # session, user, the staff member's two-factor check, permissions (user's, groups'),
    # count, filtered count, the page of corrections with their citizens and pages (one
    # query), the date hierarchy's bounds and days
    assert_constant_queries(lambda: staff_client.get(CHANGELIST), more, at_most=10)


def test_the_change_page_shows_the_correction_and_links_to_edit_the_page(staff_client, correction, network):
    response = staff_client.get(change_url(correction))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Le réseau a été fondé en 1998, pas en 2000." in text
    assert "Voir ses statuts." in text
    assert "https://www.exemple.fr/statuts" in text
    html = response.content.decode()
    assert reverse("admin:networks_network_change", args=[network.pk]) in html
    assert "Modifier la fiche dans l’administration" in text


# Deciding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, subject, sentence",
    [
        (
            CorrectionStatus.ACCEPTED,
            "Votre correction de la fiche « {name} » est acceptée",
            "a accepté la correction que vous avez proposée pour la fiche « {name} »",
        ),
        (
            CorrectionStatus.DECLINED,
            "Réponse à votre correction de la fiche « {name} »",
            "a examiné la correction que vous avez proposée pour la fiche « {name} » et ne l’a pas retenue",
        ),
    ],
    ids=["accepted", "declined"],
)
def test_the_decision_is_mailed_to_the_citizen_through_the_queue(
    staff_client, staff_user, correction, verified_citizen, network, jobs, status, subject, sentence
):
    response = decide(staff_client, correction, status=status, answer="  Merci, c’est corrigé.  ")

    assert response.status_code == 302, response.context["adminform"].form.errors
    correction.refresh_from_db()
    assert correction.status == status
    assert correction.answer == "Merci, c’est corrigé."
    assert correction.decided_by == staff_user
    assert timezone.now() - correction.decided_at < datetime.timedelta(minutes=1)
    [message] = Message.objects.about(correction)
    assert message.kind == MessageKind.CORRECTION
    assert mail.outbox == []  # recorded with the decision, sent by the job
    jobs.run()
    [email] = mail.outbox
    assert email.to == [verified_citizen.email]
    assert email.subject == subject.format(name=network)
    assert sentence.format(name=network) in " ".join(email.body.split())
    assert "Merci, c’est corrigé." in email.body
    assert "Le réseau a été fondé en 1998, pas en 2000." in email.body
    assert f"{settings.SITE_URL}/reseaux/{network.slug}/" in email.body


def test_a_correction_sent_from_an_english_page_is_answered_in_english_words_around_the_answer(
    staff_client, verified_citizen, network, jobs
):
    correction = services.correction_submit(
        target=network, citizen=verified_citizen, problem="Missing member.", language="en"
    )

    decide(staff_client, correction, status=CorrectionStatus.ACCEPTED, answer="Thank you, fixed.")
    jobs.run()

    [email] = mail.outbox
    assert f"{settings.SITE_URL}/en/reseaux/{network.slug}/" in email.body
    assert "Thank you, fixed." in email.body


@pytest.mark.parametrize(
    "data, error",
    [
        ({"status": "acceptee", "answer": ""}, "Écrivez la réponse envoyée au citoyen"),
        ({"status": "refusee", "answer": "   "}, "Écrivez la réponse envoyée au citoyen"),
        ({"answer": "Merci."}, "Acceptez ou refusez la correction."),
        ({"status": "nouvelle", "answer": "Merci."}, "Une décision accepte ou refuse la correction."),
    ],
    ids=["no-answer", "blank-answer", "no-decision", "not-a-decision"],
)
def test_a_decision_without_an_answer_or_a_choice_is_refused_and_writes_nothing(
    staff_client, correction, jobs, data, error
):
    response = decide(staff_client, correction, **data)

    assert response.status_code == 200  # the admin shows its form again, with the error
    assert error in visible_text(response)
    correction.refresh_from_db()
    assert (correction.status, correction.answer, correction.decided_at) == (CorrectionStatus.NEW, "", None)
    assert not Message.objects.about(correction).exists()
    assert jobs.queued() == []


def test_a_decision_is_final(staff_client, correction, jobs):
    decide(staff_client, correction, status=CorrectionStatus.DECLINED, answer="Les statuts disent 2000.")
    jobs.run()
    mail.outbox.clear()

    response = decide(staff_client, correction, status=CorrectionStatus.ACCEPTED, answer="Finalement oui.")

    assert response.status_code == 200
    assert "Cette correction a déjà reçu une réponse." in visible_text(response)
    correction.refresh_from_db()
    assert (correction.status, correction.answer) == (CorrectionStatus.DECLINED, "Les statuts disent 2000.")
    assert Message.objects.about(correction).count() == 1
    jobs.run()
    assert mail.outbox == []
    with pytest.raises(Exception, match="déjà reçu une réponse"):
        services.correction_decide(
            correction=correction, status=CorrectionStatus.ACCEPTED, answer="Oui.", decided_by=None
        )


def test_nobody_is_mailed_when_the_account_was_deleted(staff_client, correction, verified_citizen, jobs):
    verified_citizen.delete()
    correction.refresh_from_db()
    assert correction.citizen is None  # the correction stays, without a name

    response = decide(staff_client, correction, status=CorrectionStatus.ACCEPTED, answer="Corrigé.")

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED
    jobs.run()
    assert mail.outbox == []


# The history -----------------------------------------------------------------------------


def test_an_accepted_correction_shows_in_the_public_history(
    client, staff_client, staff_user, correction, network
):
    # The editor makes the change (the admin's request would record its user the same way),
    # and adds the member the citizen said was missing.
    network.founded_on = datetime.date(1998, 1, 1)
    network._history_user = staff_user
    network.save()
    membership = MembershipFactory.build(network=network, authority=MembershipFactory().authority)
    membership._history_user = staff_user
    membership.save()
    # A change by someone else is not credited.
    network.tagline = "Un autre slogan"
    network._history_user = VerifiedUserFactory(username="autre-equipe", is_staff=True)
    network.save()

    response = decide(staff_client, correction, status=CorrectionStatus.ACCEPTED, answer="Corrigé, merci.")

    assert response.status_code == 302
    reasons = list(network.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Sur proposition d’un citoyen", None]
    assert membership.history.get().history_change_reason == "Sur proposition d’un citoyen"
    text = visible_text(client.get(reverse("networks:network_history", args=[network.slug])))
    assert text.count("Motif : Sur proposition d’un citoyen") == 2


def test_accepting_before_changing_the_page_warns_that_the_history_will_not_say_so(
    staff_client, correction, network
):
    response = decide(
        staff_client, correction, status=CorrectionStatus.ACCEPTED, answer="Corrigé, merci.", follow=True
    )

    assert "son historique ne dira pas « sur proposition d’un citoyen »" in visible_text(response)
    assert not network.history.filter(history_change_reason__isnull=False).exists()
