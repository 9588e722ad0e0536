from django.urls import path

from evaluation import feeds, views

app_name = "evaluation"

urlpatterns = [
    path("partenariats/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partenariats/<slug:slug>/flux/", feeds.PartnershipFeed(), name="partnership_feed"),
    path("partenariats/<slug:slug>/avis/", views.review, name="review"),
    path("partenariats/<slug:slug>/avis/retirer/", views.review_withdraw, name="review_withdraw"),
    path("evaluation/", views.evaluation, name="evaluation"),
]
