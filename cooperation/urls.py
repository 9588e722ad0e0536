from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("partenariats/", views.partnership_list, name="partnership_list"),
    path("partenariats/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partenariats/<slug:slug>/avis/", views.review, name="review"),
    path("partenariats/<slug:slug>/avis/retirer/", views.review_withdraw, name="review_withdraw"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("collectivites/<slug:slug>/", views.authority_detail, name="authority_detail"),
    path("acteurs/", views.actor_list, name="actor_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
