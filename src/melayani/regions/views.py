"""Public region pickers: children of a region as JSON, or as ``<option>`` elements for htmx.

Used by address fields (province → regency/city → district → village). Public because citizens
fill addresses without an account.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from melayani.regions.models import Region
from melayani.regions.selectors import region_children, region_get

PICKER_MAX_AGE = 60 * 60  # region codes change about once a year


def _children(code: str | None) -> tuple[Region | None, list[Region]]:
    parent = None
    if code is not None:
        try:
            parent = region_get(code)
        except Region.DoesNotExist as exc:
            raise Http404(_("No region with this code.")) from exc
    children = list(region_children(code).only("code", "name", "level", "kind"))
    return parent, children


@login_not_required
@require_GET
@cache_control(public=True, max_age=PICKER_MAX_AGE)
def children_json(request: HttpRequest, code: str | None = None) -> JsonResponse:
    parent, children = _children(code)
    return JsonResponse(
        {
            "parent": {"code": parent.code, "name": parent.name} if parent else None,
            "results": [
                {"code": r.code, "name": r.name, "level": r.level, "kind": r.kind} for r in children
            ],
        }
    )


@login_not_required
@require_GET
@cache_control(public=True, max_age=PICKER_MAX_AGE)
def children_options(request: HttpRequest, code: str | None = None) -> HttpResponse:
    parent, children = _children(code)
    return render(
        request,
        "regions/partials/options.html",
        {"parent": parent, "children": children, "selected": request.GET.get("selected", "")},
    )
