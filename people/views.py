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

from people.forms import ProfileForm, SignInForm
from people.selectors import account_changes_of, get_person_for_user_or_404, reports_of

logger = logging.getLogger(__name__)

# The newest changes administrators made; the page says when there are older ones.
ACCOUNT_CHANGES_SHOWN = 50


class LoginView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


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
    changes = account_changes_of(viewer=request.user)
    context = {
        "form": form,
        "changes": changes[:ACCOUNT_CHANGES_SHOWN],
        "changes_count": changes.count(),
        "changes_shown": ACCOUNT_CHANGES_SHOWN,
    }
    return render(request, "people/profile.html", context)


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


def _health_answer(checks: dict[str, bool]) -> JsonResponse:
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness, for the load balancer: this node serves pages, which needs the database.

    The broker is left out on purpose: pages work without Redis (jobs are caught up by
    the periodic runs), and a Redis outage must not take every web node out of service.
    """
    return _health_answer({"database": _database_ok()})


@login_not_required
@never_cache
@require_GET
def health_status(request):
    """The full report, for monitoring: the database and the broker, 503 if either is down."""
    return _health_answer({"database": _database_ok(), "broker": _broker_ok()})
