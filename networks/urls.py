from django.urls import path

from networks import history, views

app_name = "networks"

urlpatterns = [
    path("", views.network_list, name="network_list"),
    path("<slug:slug>/", views.network_detail, name="network_detail"),
    path("<slug:slug>/historique/", history.network_history, name="network_history"),
]
