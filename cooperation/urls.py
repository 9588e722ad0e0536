from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("partenariats/", views.partnership_list, name="partnership_list"),
    path("collectivites/<slug:slug>/", views.authority_detail, name="authority_detail"),
    path("acteurs/", views.actor_list, name="actor_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
