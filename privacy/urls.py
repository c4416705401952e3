from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("seen/", views.seen, name="seen"),
    path("download/", views.download, name="download"),
]
