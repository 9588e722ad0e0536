"""Staff follow each e-mail's progress in the admin and try the failed deliveries again."""

import pytest
from django.core import mail

from mailing.models import Delivery, DeliveryState, MessageKind
from mailing.services import Recipient, deliveries_add, message_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin_message(jobs):
    message = message_create(kind=MessageKind.BULLETIN, subject="Nouvelles de décembre", body="Bonjour.")
    deliveries_add(message=message, recipients=[Recipient(f"abonne{n}@example.org") for n in range(4)])
    jobs.run()
    Delivery.objects.filter(address="abonne3@example.org").update(
        state=DeliveryState.FAILED, last_error="550 5.1.1 Mailbox unavailable"
    )
    Delivery.objects.filter(address="abonne2@example.org").update(state=DeliveryState.PENDING)
    mail.outbox.clear()
    return message


def test_the_message_list_shows_sent_pending_and_failed(admin_client, bulletin_message):
    response = admin_client.get("/admin/mailing/message/")

    assert response.status_code == 200
    row = next(line for line in response.text.splitlines() if "Nouvelles de décembre" in line)
    assert row  # the message is listed
    cells = response.text.split("Nouvelles de décembre", 1)[1].split("</tr>", 1)[0]
    assert [c.split("</td>")[0].rsplit(">", 1)[-1] for c in cells.split('<td class="field-')[1:]][-3:] == [
        "2",
        "1",
        "1",
    ]


def test_the_deliveries_list_shows_each_error(admin_client, bulletin_message):
    response = admin_client.get(
        f"/admin/mailing/delivery/?message__id__exact={bulletin_message.pk}&state=failed"
    )

    assert response.status_code == 200
    assert "abonne3@example.org" in response.text
    assert "550 5.1.1 Mailbox unavailable" in response.text
    assert "abonne0@example.org" not in response.text


def test_staff_retry_the_failed_deliveries_from_the_list(admin_client, bulletin_message, jobs):
    response = admin_client.post(
        "/admin/mailing/message/",
        {"action": "retry_failed", "_selected_action": [bulletin_message.pk]},
    )

    assert response.status_code == 302
    assert Delivery.objects.get(address="abonne3@example.org").state == DeliveryState.PENDING
    jobs.run()
    assert sorted(m.to[0] for m in mail.outbox) == ["abonne2@example.org", "abonne3@example.org"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_messages_cannot_be_written_from_the_admin(admin_client, bulletin_message):
    assert admin_client.get("/admin/mailing/message/add/").status_code == 403
    response = admin_client.post(
        f"/admin/mailing/delivery/{Delivery.objects.first().pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Delivery.objects.count() == 4
