from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("propose/", views.propose, name="propose"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/end/", views.end, name="end"),
    path("hr/", views.hr, name="hr"),
    path("hr/set-up/", views.hr_set_up, name="hr_set_up"),
]
