"""Open311 GeoReport v2 wire formats: JSON and XML as the specification shows them, and its
error format (``[{"code": 404, "description": "…"}]`` / ``<errors><error>…</error></errors>``).

XML is written with :mod:`xml.etree.ElementTree` (escaping is its job): a dict becomes child
elements in order, a list repeats the item element named in :data:`ITEM_NAMES` for its parent,
``True``/``False`` become ``true``/``false`` and ``None`` an empty element.
"""

from __future__ import annotations

import datetime
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")

# list element → the element of each item (the specification's names)
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def w3c_datetime(moment: datetime.datetime | None, zone: Any = None) -> str:
    """``2026-11-28T19:35:51+09:00`` (the W3C profile of ISO 8601, with the offset); "" for none."""
    if moment is None:
        return ""
    if zone is not None:
        moment = moment.astimezone(zone)
    return moment.isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        text = _text(value)
        if text:
            element.text = text


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """``value`` as JSON, or as XML under the element ``root`` (e.g. ``services``)."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, value), status=status, content_type=XML_TYPE)
    return HttpResponse(
        json.dumps(value, ensure_ascii=False), status=status, content_type=JSON_TYPE
    )


def render_error(fmt: str, status: int, description: str | list[str]) -> HttpResponse:
    """One ``error`` per description, all with the HTTP status as their code."""
    descriptions = [description] if isinstance(description, str) else description
    errors = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", errors, status=status)
