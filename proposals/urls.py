from django.urls import path

from proposals import feeds, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("proposer/", views.proposal_create, name="proposal_create"),
    path("flux/", feeds.ProposalFeed(), name="proposal_feed"),
    path("<slug:slug>/", views.proposal_detail, name="proposal_detail"),
    path("<slug:slug>/modifier/", views.proposal_edit, name="proposal_edit"),
    path("<slug:slug>/retirer/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/signaler/", views.proposal_report, name="proposal_report"),
    path("<slug:slug>/commentaires/", views.comment_create, name="comment_create"),
    path("commentaires/<int:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path("commentaires/<int:pk>/supprimer/", views.comment_delete, name="comment_delete"),
    path("commentaires/<int:pk>/signaler/", views.comment_report, name="comment_report"),
]
