"""/profil/: the citizen's own page (owned by the accounts work; placeholder until then)."""

from django.urls import path

from archipel import accounts

urlpatterns = [
    path("", accounts.profile, name="profile"),
]
