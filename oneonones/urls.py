from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from people import views as people_views

auth_patterns = [
    path("login/", people_views.LoginView.as_view(), name="login"),
    path("logout/", people_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", people_views.home, name="home"),
    path("healthz", people_views.healthz, name="healthz"),
    path("accounts/", include(auth_patterns)),
    path("people/", include("people.urls")),
    path("meetings/", include("meetings.urls")),
    path("objectives/", include("objectives.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
