import logging

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from oneonones.http import safe_next_url
from people.forms import ProfileForm, SignInForm
from people.selectors import get_person_for_user_or_404, reports_of

logger = logging.getLogger(__name__)


class SafeNextMixin:
    """Django's sign-in and sign-out follow ``next`` to any relative URL, even a bare word;
    here only to a path on this site, as everywhere else (``safe_next_url``)."""

    def get_redirect_url(self):
        return safe_next_url(self.request, "")


class LoginView(SafeNextMixin, auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    pass


def home(request):
    user = request.user
    context = {
        "manager": user.manager if user.manager_id else None,
        "reports": reports_of(user=user).order_by("full_name"),
    }
    return render(request, "people/home.html", context)


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("people:profile")
    return render(request, "people/profile.html", {"form": form})


def person(request, pk: int):
    person = get_person_for_user_or_404(viewer=request.user, pk=pk)
    context = {"person": person, "reports": reports_of(user=person).order_by("full_name")}
    return render(request, "people/person.html", context)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Health check: database did not answer.", exc_info=True)
        return False


def _broker_ok() -> bool:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        return bool(client.ping())
    except Exception:
        logger.warning("Health check: broker did not answer.", exc_info=True)
        return False
    finally:
        client.close()


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
