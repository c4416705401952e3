from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bench import endpoints as bench_endpoints
from home import views as home_views
from meetings.urls import urlpatterns as meeting_urls
from notifications.urls import urlpatterns as notification_urls
from people import views as people_views
from people.forms import ForgottenPasswordForm

# With PASSWORD_LOGIN=0 every password page refuses (people.views.password_sign_in_only).
password_only = people_views.password_sign_in_only

auth_patterns = [
    path("login/", people_views.LoginView.as_view(), name="login"),
    path("logout/", people_views.LogoutView.as_view(), name="logout"),
    path("sso/start/", people_views.sso_start, name="sso_start"),
    path("sso/callback/", people_views.sso_callback, name="sso_callback"),
    path(
        "password/change/",
        password_only(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/change/done/",
        password_only(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        password_only(auth_views.PasswordResetView.as_view(form_class=ForgottenPasswordForm)),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        password_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        password_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", people_views.healthz, name="healthz"),
    path("_rows", bench_endpoints.rows, name="bench_rows"),
    path("healthz/status", people_views.health_status, name="health_status"),
    path("accounts/", include(auth_patterns)),
    path("people/", include("people.urls")),
    # The notification pages and calendar feeds keep their meetings:... names and paths.
    path("meetings/", include((meeting_urls + notification_urls, "meetings"))),
    path("objectives/", include("objectives.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("office-hours/", include("officehours.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("privacy/", include("privacy.urls")),
    # Before the admin's own: with PASSWORD_LOGIN=0 its password form is gone too.
    path("admin/login/", people_views.admin_login, name="admin_login"),
    path(
        "admin/password_change/",
        password_only(admin.site.admin_view(admin.site.password_change)),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
]
