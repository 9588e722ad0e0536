"""/profil/: the citizen's own page. Sign-up, log-in, e-mail and password live under /comptes/ (allauth)."""

from django.urls import path

from archipel import accounts, email_preferences, my_data_views

urlpatterns = [
    path("", accounts.profile, name="profile"),
    path("nom/", accounts.display_name, name="profile_display_name"),
    path("supprimer/", accounts.account_delete, name="profile_delete"),
    path("mes-donnees/", my_data_views.my_data_download, name="profile_my_data"),
    path("courriels/", email_preferences.preferences, name="profile_email_preferences"),
    path("courriels/desabonner/<str:token>/", email_preferences.unsubscribe, name="email_unsubscribe"),
]
