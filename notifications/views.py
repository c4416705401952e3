"""Calendar downloads and feeds, and each person's notification settings. Their URL
names stay in the ``meetings`` namespace (the root URLconf includes them there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from meetings import selectors as meeting_selectors
from notifications import selectors, services
from notifications.calendar import calendar_bytes, feed_bytes, feed_etag
from notifications.forms import ChatWebhookForm, NotificationPreferencesForm
from oneonones.errors import ServiceError, form_error, message_error
from oneonones.middleware import keeps_own_cache_headers
from people.viewer import manages_anyone


def meeting_ics(request, pk: int):
    meeting = meeting_selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)
    body = calendar_bytes([meeting], for_user=request.user, name=meeting.kind_words.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_POST
def calendar_regenerate(request):
    had_one = selectors.feed_of(viewer=request.user) is not None
    services.calendar_feed_regenerate(user=request.user)
    if had_one:
        messages.success(
            request, "Here is a new calendar address. The old one has stopped working."
        )
    else:
        messages.success(request, "Here is your calendar address.")
    return redirect("meetings:mine")


@keeps_own_cache_headers
@login_not_required
@require_GET
def calendar_feed(request, token: str):
    """A person's meetings for calendar apps; the token in the address is the key.

    Calendar apps ask every hour. The answer carries an ETag worked out from everything
    the feed shows (``calendar.feed_etag``); asked again with it, an unchanged feed
    answers ``304 Not Modified`` without being written again. No Last-Modified: a
    meeting removed from the feed leaves no later time behind, so a date cannot say
    whether the feed changed. ``no-cache``: a calendar app may keep the feed but asks
    every time whether it is still current; ``private``: no shared cache keeps it."""
    feed = selectors.feed_of_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    rows = selectors.feed_rows(person=feed.user)
    name = f"1:1s of {feed.user}"
    etag = feed_etag(rows, name=name)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(
            feed_bytes(rows, name=name), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="oneonones.ics"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return response


# --- Notification settings ---------------------------------------------------------------


def _notifications_page(request, *, form=None, webhook_form=None):
    """The page with the person's own preferences and (masked) webhook, either form
    bound to what they just sent when it needs correcting. The preferences are read
    once, for the form and the webhook both (a bound form has them as its instance)."""
    if form is None:
        prefs = selectors.preferences_for(request.user.pk)
        form = NotificationPreferencesForm(instance=prefs, manager=manages_anyone(request))
    context = {
        "form": form,
        "webhook_form": webhook_form or ChatWebhookForm(),
        "webhook": selectors.chat_webhook_of(viewer=request.user, preferences=form.instance),
    }
    return render(request, "meetings/notifications.html", context)


def notifications(request):
    """Which messages the signed-in person gets, by which channel and when (their own only)."""
    if request.method != "POST":
        return _notifications_page(request)
    prefs = selectors.preferences_for(request.user.pk)
    form = NotificationPreferencesForm(
        request.POST, instance=prefs, manager=manages_anyone(request)
    )
    if form.is_valid():
        try:
            services.preferences_update(
                user=request.user,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("meetings:notifications")
    return _notifications_page(request, form=form)


@require_POST
def chat_webhook(request):
    """Save the signed-in person's own chat webhook (there is no one else's to name)."""
    form = ChatWebhookForm(request.POST)
    if form.is_valid():
        try:
            services.chat_webhook_save(
                user=request.user,
                service=form.cleaned_data["chat_service"],
                url=form.cleaned_data["chat_webhook_url"],
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Your chat webhook is saved.")
            return redirect("meetings:notifications")
    return _notifications_page(request, webhook_form=form)


@require_POST
def chat_webhook_remove(request):
    services.chat_webhook_remove(user=request.user)
    messages.success(request, "Your chat webhook is removed. Nothing more is posted to it.")
    return redirect("meetings:notifications")


@require_POST
def chat_webhook_test(request):
    try:
        services.chat_webhook_test(user=request.user)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(request, "A test message was posted. Look in your chat.")
    return redirect("meetings:notifications")
