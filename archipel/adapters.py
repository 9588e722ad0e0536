import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.account.utils import filter_users_by_email
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from core.ratelimit import client_address
from mailing.models import MessageKind
from mailing.services import Recipient, mail_one


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        """A neutral username: allauth's default, taken from the e-mail address, would
        be shown publicly beside the posts of someone who chose no display name."""
        user.username = f"citoyen-{secrets.token_hex(4)}"

    def save_user(self, request, user, form, commit=True):
        """allauth's, in a savepoint; when another sign-up of the same address commits
        first (the unique constraint on the address decides), this one answers as a
        sign-up of a known address does: "check your e-mail", never an error page."""
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit)
        except IntegrityError:
            email = form.cleaned_data.get("email")
            if not email or not filter_users_by_email(email):
                raise
            raise ImmediateHttpResponse(prevent_enumeration(request, email=email)) from None

    def respond_email_verification_sent(self, request, user):
        """`user` is None when a sign-up created no account (the address has one; or a
        robot filled allauth's honeypot field, when one is set): the password is hashed all the same, so that
        this answer takes the time of a real sign-up and does not tell that the address
        is known. (A sign-up that lost a race for its address, above, hashes twice.)"""
        if user is None and request.method == "POST":
            make_password(request.POST.get("password1", ""))
        return super().respond_email_verification_sent(request, user)

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
