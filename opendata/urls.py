from django.urls import path

from opendata import views

# No app_name: the names stay "opendata" and "opendata_file", as base.html and the page use them.
urlpatterns = [
    path("", views.index, name="opendata"),
    path("<str:name>", views.dataset, name="opendata_file"),
]
