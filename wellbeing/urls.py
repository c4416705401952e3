from django.urls import path

from wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("", views.index, name="index"),
    path("check-ins/new/", views.checkin_create, name="checkin_create"),
    path("check-ins/<int:pk>/share/", views.checkin_share, name="checkin_share"),
    path("check-ins/<int:pk>/unshare/", views.checkin_unshare, name="checkin_unshare"),
    path("check-ins/<int:pk>/delete/", views.checkin_delete, name="checkin_delete"),
    path("check-ins/export.csv", views.checkins_export, name="checkins_export"),
    path("check-ins/delete-all/", views.checkins_delete_all, name="checkins_delete_all"),
    path("people/<int:pk>/", views.report, name="report"),
    path("people/<int:pk>/notes/new/", views.note_create, name="note_create"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("team-trends/", views.trends, name="trends"),
]
