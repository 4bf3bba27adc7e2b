"""The JSON API, version 1: one ``NinjaAPI`` mounted at ``/api/v1/``.

Endpoints are thin: they validate the body (typed schemas), declare their rule (public, or an
official's bearer token whose reach the access layer decides) and call a domain service or
selector. Every error, from any layer, leaves in the one shape of :mod:`melayani.api.errors`.

Mount it with ``path("api/v1/", api_urls())``: that marks every endpoint as not needing a web
session (the API has its own authentication) and answers unknown paths in the error shape.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from melayani.api.errors import ErrorCode, error_response, exception_response
from melayani.api.services import officer_token_authenticate

DESCRIPTION = """
Melayani's JSON API: the public service catalogue, submitting and tracking applications, and the
officials' work on applications.

* **Public** endpoints need no credentials and return no personal data.
* **Officials** send `Authorization: Bearer <token>` (a token issued with
  `melayani issue_api_token USERNAME`); a token acts with its holder's current roles, and objects
  outside their reach answer `404 not_found`.
* **Errors** always have the shape
  `{"error": {"code": "...", "message": "...", "fields": {"field": ["message"]}}}`; `code` is one
  of the stable values listed in the `ErrorDetail` schema.
* **Retries:** send an `Idempotency-Key` header with a submission; the same key with the same body
  returns the first answer (and stores the application once), the same key with another body
  answers `409 idempotency_key_reused`.
"""


class OfficerToken(HttpBearer):
    """``Authorization: Bearer <token>``: the token of one official."""

    openapi_description = "An official's API token (melayani issue_api_token USERNAME)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return officer_token_authenticate(token)


officer_auth = OfficerToken()


class BundledSwagger(DocsBase):
    """Swagger UI from django-ninja's bundled static files, never from a CDN.

    The bundled template and static files are found only when ``"ninja"`` is in
    ``INSTALLED_APPS``; without it the docs page answers ``not_found`` (the schema at
    ``openapi.json`` stays available) rather than falling back to a CDN like ninja would.
    """

    settings_json = '{"layout": "BaseLayout", "deepLinking": true, "url": "%s"}'

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if "ninja" not in settings.INSTALLED_APPS:
            return error_response(ErrorCode.NOT_FOUND)
        context = {
            "swagger_settings": self.settings_json % self.get_openapi_url(api, kwargs),
            "api": api,
            "add_csrf": False,
        }
        return render(request, "ninja/swagger.html", context)


api = NinjaAPI(
    title="Melayani API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=BundledSwagger(),
    docs_url="/docs",
)


def _any_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return exception_response(request, exc)


# Replace ninja's own handlers (each more specific than Exception) so that one shape leaves.
for _exc_class in (Exception, Http404, HttpError, NinjaValidationError, ValidationError):
    api.add_exception_handler(_exc_class, _any_error)


def _register_routers() -> None:
    from melayani.api.routers import applications, catalog, officer

    api.add_router("/", catalog.router)
    api.add_router("/", applications.router)
    api.add_router("/officer/", officer.router, auth=officer_auth)
    from melayani.complaints import api as complaints_api

    api.add_router("/", complaints_api.public_router)
    api.add_router("/officer/", complaints_api.officer_router, auth=officer_auth)


_register_routers()


def _not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(ErrorCode.NOT_FOUND)


def _open(callback: Any) -> Any:
    """Mark a view public for the session middleware and wrap 405s in the error shape."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = callback(request, *args, **kwargs)
        except Http404:  # outside the operations (e.g. ninja's root view)
            return error_response(ErrorCode.NOT_FOUND)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(ErrorCode.METHOD_NOT_ALLOWED, headers={"Allow": allowed})
        return response

    view.csrf_exempt = True  # type: ignore[attr-defined]
    return login_not_required(view)


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """``api.urls`` for ``path("api/v1/", ...)``: public to the session middleware (the API
    authenticates by token), with unknown paths answered in the error shape."""
    patterns, app_name, namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _open(pattern.callback)
        wrapped.append(pattern)
    wrapped.append(re_path(r"^.*$", login_not_required(_not_found), name="not-found"))
    return wrapped, app_name, namespace
