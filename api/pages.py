"""The pages where a person makes and revokes their personal access tokens (linked
from My profile). A new token is shown once, on the answer to the form that made it,
and never again: only its digest is kept."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from api import selectors, services
from api.forms import TokenForm
from oneonones.errors import ServiceError, form_error

TOKENS_PER_PAGE = 25


def tokens(request) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = services.token_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                )
            except ServiceError as error:
                form_error(form, error)
            else:
                form = TokenForm()
        if new is None:
            status = 400
    page = Paginator(
        selectors.tokens_of(viewer=request.user),
        TOKENS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {"form": form, "new": new, "page": page}
    return render(request, "api/tokens.html", context, status=status)


def token_revoke(request, pk: int) -> HttpResponse:
    token = selectors.get_token_for_user_or_404(viewer=request.user, pk=pk)
    if request.method == "POST":
        services.token_revoke(token=token, by=request.user)
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
