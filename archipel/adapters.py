import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import get_language

from core.ratelimit import client_address
from mailing.models import MessageKind
from mailing.services import Recipient, mail_one


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        """A neutral username: allauth's default, taken from the e-mail address, would
        be shown publicly beside the posts of someone who chose no display name."""
        user.username = f"citoyen-{secrets.token_hex(4)}"

    def get_client_ip(self, request) -> str:
        """The client's address as every limit of the site reads it (TRUSTED_PROXY_COUNT),
        never an error when X-Forwarded-For holds fewer addresses than expected."""
        return client_address(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (address verification, password reset…) are rendered here,
        in the visitor's language, and sent by the workers: no request talks to the mail
        server."""
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        rendered = self.render_mail(template_prefix, email, context)
        mail_one(
            kind=MessageKind.ACCOUNT,
            recipient=Recipient(address=email, language=get_language() or "fr"),
            subject=rendered.subject,
            body=rendered.body,
        )
