from django.urls import path

from objectives import views

app_name = "objectives"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("proposals/", views.proposals, name="proposals"),
    path("goals/", views.goals, name="goals"),
    path("new/", views.new, name="new"),
    path("goals/new/", views.new_goal, name="new_goal"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cascade/", views.cascade, name="cascade"),
    path("<int:pk>/state/", views.transition, name="transition"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/score/", views.score, name="score"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/key-results/", views.key_result_add, name="key_result_add"),
    path("key-results/<int:pk>/", views.key_result_update, name="key_result_update"),
    path("key-results/<int:pk>/remove/", views.key_result_remove, name="key_result_remove"),
    path("people/<int:person_pk>/review/", views.review, name="review"),
]
