import secrets

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        """A neutral username: allauth's default, taken from the e-mail address, would
        be shown publicly beside the posts of someone who chose no display name."""
        user.username = f"citoyen-{secrets.token_hex(4)}"
