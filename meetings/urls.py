from django.urls import path

from meetings.record import views as record_views
from meetings.scheduling import views

# Included by the root URLconf in the "meetings" namespace, with notifications.urls.

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("team/met/", views.met_everyone, name="met_everyone"),
    path("new-manager/", record_views.bring_to_new_manager, name="bring_to_new_manager"),
    path("new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path(
        "<int:pk>/requests/<int:request_pk>/accept/",
        views.request_accept,
        name="request_accept",
    ),
    path(
        "<int:pk>/requests/<int:request_pk>/decline/",
        views.request_decline,
        name="request_decline",
    ),
    path("<int:pk>/agenda/", record_views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/move/", record_views.agenda_move, name="agenda_move"),
    path(
        "<int:pk>/agenda/<int:item_pk>/discussed/",
        record_views.agenda_discussed,
        name="agenda_discussed",
    ),
    path("<int:pk>/agenda/<int:item_pk>/remove/", record_views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", record_views.agenda_edit, name="agenda_edit"),
    path("<int:pk>/next-time/", record_views.next_time_add, name="next_time_add"),
    path("<int:pk>/notes/", record_views.note_save, name="note_save"),
    path("<int:pk>/actions/", record_views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/edit/", record_views.action_edit, name="action_edit"),
    path(
        "<int:pk>/actions/<int:action_pk>/delete/",
        record_views.action_delete,
        name="action_delete",
    ),
    path("<int:pk>/complete/", record_views.meeting_complete, name="meeting_complete"),
    path("<int:pk>/feedback/", record_views.feedback, name="feedback"),
    path("actions/", record_views.my_actions, name="my_actions"),
    path("actions/<int:action_pk>/done/", record_views.action_done, name="action_done"),
    path(
        "objectives/<int:objective_pk>/discuss/",
        record_views.objective_discuss,
        name="objective_discuss",
    ),
    path("templates/", record_views.templates, name="templates"),
    path("templates/new/", record_views.template_new, name="template_new"),
    path("templates/<int:pk>/", record_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", record_views.template_delete, name="template_delete"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/preview/", views.series_preview, name="series_preview"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/pause/", views.series_pause, name="series_pause"),
    path("series/<int:pk>/resume/", views.series_resume, name="series_resume"),
    path("series/<int:pk>/end/", views.series_end, name="series_end"),
    path("clashes/<int:pk>/rebook/", views.clash_rebook, name="clash_rebook"),
    path("clashes/<int:pk>/skip/", views.clash_skip, name="clash_skip"),
]
