from django.urls import path

from api import pages, views
from api.reference import Reference, Schema

app_name = "api"

urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("reference/", Reference.as_view(url_name="api:schema"), name="reference"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/me/", views.Me.as_view(), name="me"),
    path("v1/meetings/", views.MyMeetings.as_view(), name="meetings"),
    path("v1/meetings/<int:pk>/", views.OneMeeting.as_view(), name="meeting"),
    path("v1/meetings/<int:pk>/agenda/", views.Agenda.as_view(), name="agenda"),
    path("v1/meetings/<int:pk>/cancel/", views.CancelMeeting.as_view(), name="meeting_cancel"),
    path("v1/meetings/<int:pk>/move/", views.MoveMeeting.as_view(), name="meeting_move"),
    path("v1/actions/", views.MyActions.as_view(), name="actions"),
    path("v1/actions/<int:pk>/done/", views.ActionDone.as_view(), name="action_done"),
    path("v1/objectives/", views.MyObjectives.as_view(), name="objectives"),
    path("v1/objectives/<int:pk>/", views.OneObjective.as_view(), name="objective"),
    path(
        "v1/objectives/<int:pk>/progress/",
        views.ObjectiveProgress.as_view(),
        name="objective_progress",
    ),
    path("v1/check-ins/", views.MyCheckIns.as_view(), name="checkins"),
    path("v1/people/<int:pk>/manager/", views.PersonManager.as_view(), name="person_manager"),
    path("v1/reports/cadence/", views.Cadence.as_view(), name="cadence"),
    path("v1/<path:rest>", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
