import logging
from functools import wraps

import jwt
import redis
import requests
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from oneonones.errors import ServiceError, form_error
from oneonones.http import safe_next_url
from people.forms import ProfileForm, SignInForm
from people.models import RecordAccess
from people.navigation import profile_links
from people.selectors import (
    directory_facts,
    get_person_for_user_or_404,
    recent_account_changes,
    record_accesses_of,
    reports_of,
)
from people.services import profile_update, record_access_to
from people.sso import (
    ProviderUnavailable,
    SignInNotFinished,
    SignInRefused,
    SignOnCallbackView,
    SignOnStartView,
    sso_button_label,
    sso_enabled,
)

logger = logging.getLogger(__name__)

# The newest changes administrators made; the page says when there are older ones.
ACCOUNT_CHANGES_SHOWN = 50
RECORD_ACCESSES_PER_PAGE = 25

STALE_SIGN_IN = (
    "That sign-in could not be finished: it was started in another browser or tab, "
    "or has expired. Start again from this page."
)


def sign_in_options() -> dict:
    """What the sign-in pages offer, read per request so that tests can change it."""
    return {
        "password_login": settings.PASSWORD_LOGIN,
        "sso_enabled": sso_enabled(),
        "sso_button_label": sso_button_label(),
        "sso_provider_name": settings.SSO_PROVIDER_NAME,
    }


def password_sign_in_off(request):
    return render(request, "registration/password_sign_in_off.html", sign_in_options(), status=403)


def password_sign_in_only(view):
    """Refuses ``view`` when PASSWORD_LOGIN is off (and keeps its login_required mark)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return password_sign_in_off(request)
        return view(request, *args, **kwargs)

    return wrapper


class SafeNextMixin(auth_views.RedirectURLMixin):
    """Django's sign-in and sign-out follow ``next`` to any relative URL, even a bare word;
    here only to a path on this site, as everywhere else (``safe_next_url``)."""

    request: HttpRequest

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        return safe_next_url(request or self.request, "")


class LoginView(SafeNextMixin, auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return password_sign_in_off(request)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **sign_in_options()}


@login_not_required
@never_cache
def admin_login(request):
    """The admin site's sign-in: its password form, or our sign-in page without passwords."""
    if settings.PASSWORD_LOGIN or (request.method == "GET" and admin.site.has_permission(request)):
        # The admin's own view; for someone already allowed in, it goes on to the admin.
        return admin.site.login(request)
    if request.method != "GET":
        return password_sign_in_off(request)
    if request.user.is_authenticated:
        context = {**sign_in_options(), "admin_refused": True}
        return render(request, "registration/password_sign_in_off.html", context, status=403)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@login_not_required
@never_cache
@require_GET
def sso_start(request):
    if not sso_enabled():
        raise Http404("Single sign-on is not configured.")
    try:
        return SignOnStartView.as_view()(request)
    except ProviderUnavailable:
        logger.warning("Single sign-on: the provider's discovery failed.", exc_info=True)
        messages.error(request, _provider_unreachable())
        return redirect("login")


@login_not_required
@never_cache
@require_GET
def sso_callback(request):
    """Where the provider sends people back; the library checks state, nonce and PKCE."""
    if not sso_enabled():
        raise Http404("Single sign-on is not configured.")
    provider = settings.SSO_PROVIDER_NAME
    try:
        response = SignOnCallbackView.as_view()(request)
    except SignInRefused as refusal:
        message = refusal.message
    except (SuspiciousOperation, jwt.PyJWTError):
        # A state that this browser did not start, a nonce or signature that does not match.
        logger.warning("Single sign-on: callback refused.", exc_info=True)
        message = STALE_SIGN_IN
    except (ProviderUnavailable, requests.RequestException):
        logger.warning("Single sign-on: the provider did not answer.", exc_info=True)
        message = _provider_unreachable()
    except SignInNotFinished as failure:
        if str(failure):
            logger.info("Single sign-on: the provider answered %s.", str(failure)[:100])
            message = f"{provider} did not sign you in (perhaps it was cancelled). Try again."
        else:
            message = STALE_SIGN_IN
    else:
        return response
    messages.error(request, message)
    return redirect("login")


def _provider_unreachable() -> str:
    return (
        f"{settings.SSO_PROVIDER_NAME} cannot be reached just now, so you cannot sign in "
        "with it. Try again in a few minutes."
    )


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    pass


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                person=request.user,
                full_name=form.cleaned_data["full_name"],
                job_title=form.cleaned_data["job_title"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:profile")
    changes = recent_account_changes(viewer=request.user, limit=ACCOUNT_CHANGES_SHOWN)
    user = request.user
    context = {
        "form": form,
        "manager": user.manager if user.manager_id else None,
        "reports": reports_of(manager=user),
        "changes": changes.shown,
        "changes_count": changes.total,
        "changes_shown": ACCOUNT_CHANGES_SHOWN,
        "password_login": settings.PASSWORD_LOGIN,
        "profile_links": profile_links(),
    }
    return render(request, "people/profile.html", context)


def person(request, pk: int):
    person = get_person_for_user_or_404(viewer=request.user, pk=pk)
    record_access_to(viewer=request.user, person=person, kind=RecordAccess.Kind.PROFILE)
    context = {
        "person": person,
        "facts": directory_facts(person=person),
        "reports": reports_of(manager=person),
    }
    return render(request, "people/person.html", context)


def who_looked(request, pk: int):
    accesses = record_accesses_of(viewer=request.user, pk=pk)
    page = Paginator(accesses, RECORD_ACCESSES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "per_page": RECORD_ACCESSES_PER_PAGE}
    return render(request, "people/who_looked.html", context)


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
