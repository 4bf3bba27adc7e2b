"""Entries for the tenancy matrix (tests/core/test_tenancy_matrix.py) once the API is mounted:

    from tests.api.matrix_entries import API_OBJECT_TYPES, API_URL_KWARGS
    URL_KWARGS.update(API_URL_KWARGS); OBJECT_TYPES.update(API_OBJECT_TYPES)

Every API and Open311 URL is public to the session middleware (the API authenticates by token, and
a web session is no API credential), so every persona must see the same, marker-free answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MATRIX_CODE = "ZZZZZZZZZZ"  # a tracking code: who may see what is tested in tests/api


def _merauke(w: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code}


def _service(w: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code, "code": "akta-kelahiran"}


API_URL_KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "api-v1:service_list": _merauke,
    "api-v1:service_detail": _service,
    "api-v1:application_create": _service,
    **{
        f"api-v1:{name}": (lambda w: {"tracking_code": MATRIX_CODE})
        for name in (
            "application_detail",
            "claim",
            "verify",
            "start",
            "return_",
            "complete",
            "reject",
        )
    },
    "open311:discovery": lambda w: {"fmt": "json"},
    "open311:services": lambda w: {"fmt": "xml"},
    "open311:service": lambda w: {"fmt": "json", "code": "akta-kelahiran"},
    "open311:requests": lambda w: {"fmt": "json"},
    "open311:request": lambda w: {"fmt": "xml", "request_id": MATRIX_CODE},
    "open311:token": lambda w: {"fmt": "json", "token": MATRIX_CODE},
}


def _api_client(w: Any) -> Any:
    from melayani.api.services import api_client_create

    return api_client_create(actor=None, pemda=w.merauke, name="Matrix client")[0]


# An Open311 client of a Pemda is its settings' business: its administrators and the platform's.
API_OBJECT_TYPES: dict[str, tuple[Callable[[Any], Any], str, set[str]]] = {
    "api.apiclient": (_api_client, "pemda.manage_settings", {"pemda_admin", "platform_admin"}),
}
