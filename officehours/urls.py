from django.urls import path

from officehours import views

app_name = "officehours"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("sign-ups/<int:pk>/cancel/", views.sign_up_cancel, name="sign_up_cancel"),
    path("mine/", views.mine, name="mine"),
    path("mine/new/", views.publish, name="publish"),
    path("mine/<int:pk>/edit/", views.edit, name="edit"),
    path("mine/<int:pk>/pause/", views.pause, name="pause"),
    path("mine/<int:pk>/resume/", views.resume, name="resume"),
    path("mine/<int:pk>/delete/", views.delete, name="delete"),
]
