from django.urls import path

from corrections import views

app_name = "corrections"

urlpatterns = [
    # /corrections/partenariats/<slug>/, /corrections/reseaux/<slug>/…: the kind is the
    # first segment of the corrected page's own address.
    path("<str:kind>/<slug:slug>/", views.correction_create, name="correction_create"),
]
