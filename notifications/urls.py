"""Included by the root URLconf in the ``meetings`` namespace, beside meetings.urls,
so that these pages kept their names (``meetings:notifications``...) and paths."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/chat/", views.chat_webhook, name="chat_webhook"),
    path("notifications/chat/remove/", views.chat_webhook_remove, name="chat_webhook_remove"),
    path("notifications/chat/test/", views.chat_webhook_test, name="chat_webhook_test"),
    path("calendar/new-address/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
