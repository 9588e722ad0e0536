"""The newsletter admin through HTTP: who sees the subscribers, the CSV export of the
confirmed ones only, search by exact address, and bulletins sent once (by the queue's
jobs, with their progress on the bulletin's page)."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core import mail

from mailing.models import Message, MessageKind
from newsletter.models import Bulletin, Subscription
from tests.factories import StaffUserFactory
from tests.newsletter.test_services import subscribe
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

EXPORT = "/admin/newsletter/subscription/export/"
SUBSCRIPTIONS = "/admin/newsletter/subscription/"
BULLETINS = "/admin/newsletter/bulletin/"


@pytest.fixture
def newsletter_editor(client):
    """Staff with every permission of the newsletter app."""
    user = StaffUserFactory(username="redaction")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="newsletter"))
    client.force_login(user)
    return client


@pytest.fixture
def subscribers(db):
    subscribe("une@example.org")
    subscribe("deux@example.org", language="en")
    subscribe("en-attente@example.org", confirmed=False)
    mail.outbox.clear()


def test_the_export_holds_the_confirmed_subscribers_only(newsletter_editor, subscribers):
    response = newsletter_editor.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="abonnes-confirmes-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "language", "confirmed_at"]
    assert sorted((email, language) for email, language, _confirmed in rows[1:]) == [
        ("deux@example.org", "en"),
        ("une@example.org", "fr"),
    ]
    assert "en-attente" not in str(rows)


def test_the_changelist_links_to_the_export(newsletter_editor, subscribers):
    response = newsletter_editor.get(SUBSCRIPTIONS)

    assert response.status_code == 200
    assert f'href="{EXPORT}"' in response.content.decode()
    text = visible_text(response)
    assert "Exporter les abonnés confirmés (CSV)" in text
    assert "en attente" in text and "confirmé" in text
    assert Subscription.objects.first().email_hash not in response.content.decode()


def test_the_export_is_refused_to_visitors_citizens_and_staff_without_the_permission(
    client, citizen, subscribers
):
    assert client.get(EXPORT)["Location"].startswith("/admin/login/")
    client.force_login(citizen)
    assert client.get(EXPORT)["Location"].startswith("/admin/login/")
    client.force_login(StaffUserFactory(username="catalogue"))  # staff, no newsletter permission
    assert client.get(EXPORT).status_code == 403


def test_an_exact_address_finds_a_pending_sign_up(newsletter_editor, subscribers):
    response = newsletter_editor.get(SUBSCRIPTIONS, {"q": " En-Attente@example.org "})

    assert [s.email for s in response.context["cl"].result_list] == [""]
    response = newsletter_editor.get(SUBSCRIPTIONS, {"q": "example.org"})
    assert len(response.context["cl"].result_list) == 2  # the confirmed ones, by their address


def test_the_changelist_filters_by_status(newsletter_editor, subscribers):
    pending = newsletter_editor.get(SUBSCRIPTIONS, {"statut": "en-attente"}).context["cl"].result_list
    confirmed = newsletter_editor.get(SUBSCRIPTIONS, {"statut": "confirme"}).context["cl"].result_list

    assert [s.email for s in pending] == [""]
    assert sorted(s.email for s in confirmed) == ["deux@example.org", "une@example.org"]


def test_staff_cannot_add_or_edit_a_subscription(newsletter_editor, subscribers):
    assert newsletter_editor.get(SUBSCRIPTIONS + "add/").status_code == 403
    subscription = Subscription.objects.confirmed().first()
    newsletter_editor.post(f"{SUBSCRIPTIONS}{subscription.pk}/change/", {"email": "autre@example.org"})
    subscription.refresh_from_db()
    assert subscription.email != "autre@example.org"


def send_action(client, bulletin, *, apply):
    data = {"action": "send", ACTION_CHECKBOX_NAME: [bulletin.pk]}
    if apply:
        data["apply"] = "yes"
    return client.post(BULLETINS, data, follow=True)


def test_the_send_action_asks_then_sends_to_confirmed_subscribers_once(newsletter_editor, subscribers, jobs):
    bulletin = Bulletin.objects.create(subject="Les nouvelles de novembre", body="Trois jumelages.")

    page = send_action(newsletter_editor, bulletin, apply=False)
    assert "vers 2 abonnés confirmés" in visible_text(page)
    assert not Message.objects.exists()
    assert Bulletin.objects.get().sent_at is None

    response = send_action(newsletter_editor, bulletin, apply=True)
    assert "« Les nouvelles de novembre » part vers 2 abonnés confirmés." in visible_text(response)
    assert Message.objects.filter(kind=MessageKind.BULLETIN).count() == 1
    assert mail.outbox == []  # the workers send it
    jobs.run()
    assert sorted(message.to[0] for message in mail.outbox) == ["deux@example.org", "une@example.org"]
    assert all(message.subject == "Les nouvelles de novembre" for message in mail.outbox)
    bulletin.refresh_from_db()
    assert bulletin.sent_at is not None and bulletin.recipient_count == 2
    page = newsletter_editor.get(f"{BULLETINS}{bulletin.pk}/change/").content.decode()
    assert "2 envoyé(s), 0 en attente, 0 en échec" in page

    mail.outbox.clear()
    again = send_action(newsletter_editor, bulletin, apply=True)
    jobs.run()
    assert "Ce bulletin a déjà été envoyé." in visible_text(again)
    assert Message.objects.filter(kind=MessageKind.BULLETIN).count() == 1
    assert mail.outbox == []


def test_a_sent_bulletin_can_no_longer_be_edited(newsletter_editor, subscribers):
    bulletin = Bulletin.objects.create(subject="Avant", body="Texte")
    send_action(newsletter_editor, bulletin, apply=True)

    newsletter_editor.post(f"{BULLETINS}{bulletin.pk}/change/", {"subject": "Après", "body": "Autre"})

    bulletin.refresh_from_db()
    assert (bulletin.subject, bulletin.body) == ("Avant", "Texte")


def test_the_send_action_is_refused_to_staff_without_the_permission(client, subscribers):
    bulletin = Bulletin.objects.create(subject="Interdit", body="Texte")
    client.force_login(StaffUserFactory(username="catalogue"))

    response = send_action(client, bulletin, apply=True)

    assert response.status_code == 403
    assert not Message.objects.exists()
    assert Bulletin.objects.get().sent_at is None
