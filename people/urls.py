from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/who-looked/", views.who_looked, name="who_looked"),
]
