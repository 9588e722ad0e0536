from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
    path("inscription/", views.subscribe, name="subscribe"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
