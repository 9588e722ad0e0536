from django.urls import path

from cooperation import history, views

app_name = "cooperation"

urlpatterns = [
    path("partenariats/", views.partnership_list, name="partnership_list"),
    path("partenariats/<slug:slug>/historique/", history.partnership_history, name="partnership_history"),
    path("collectivites/<slug:slug>/", views.authority_detail, name="authority_detail"),
    path("acteurs/", views.actor_list, name="actor_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
