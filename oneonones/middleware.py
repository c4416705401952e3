from django.conf import settings
from django.utils.cache import patch_vary_headers

# Everything the app needs is served from our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def keeps_own_cache_headers(view):
    """Leave this view's caching headers alone, signed in or not: for the few answers
    that are not the signed-in person's pages (the calendar feed, whose key is in its
    address and which calendar apps fetch without a session)."""
    view.keeps_own_cache_headers = True
    return view


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a proxy.

    Every page, fragment, redirect, error and download answered to a signed-in person
    says ``Cache-Control: no-store, private`` (ASVS 14.3.2): their 1:1s, notes and
    check-ins must not stay on a shared computer or in a cache between them and us, nor
    come back with the Back button after signing out. ``Vary: Cookie`` keeps any cache
    from handing one person's answer to another; ``Pragma`` is for HTTP/1.0 proxies.
    Static files never reach this (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "keeps_own_cache_headers", False):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
            patch_vary_headers(response, ["Cookie"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "keeps_own_cache_headers", False):
            request.keeps_own_cache_headers = True


class ServiceErrorMiddleware:
    """The one place where an error a view lets through becomes what the person sees
    (see ``oneonones.errors``): ``NotFound`` is the 404 page; any other
    ``ServiceError`` is its message on the page the person came from (or the home
    page), never an error page. An htmx request is told to load that page itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404, HttpResponse
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.views.defaults import page_not_found

        from oneonones.errors import NotFound, ServiceError, message_error
        from oneonones.http import is_local_path

        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(exception.message))
        if not isinstance(exception, ServiceError):
            return None
        message_error(request, exception)
        referer = request.headers.get("Referer", "")
        back = _path_of(referer) if referer else ""
        target = back if back and is_local_path(back, request=request) else reverse("home")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def _path_of(url: str) -> str:
    """The path and query of ``url`` (a Referer), for a redirect back on this site."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
