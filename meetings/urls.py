from django.urls import path

from meetings import feeds, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("flux/", feeds.MeetingFeed(), name="feed"),
    path("<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/agenda.ics", views.meeting_ics, name="meeting_ics"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/annulation/", views.cancel, name="cancel"),
]
