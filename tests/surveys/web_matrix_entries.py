"""URL parameters of the SKM pages for the tenancy matrix (tests/core/test_tenancy_matrix.py).

Once the root URLs include ``survei/``::

    from tests.surveys.web_matrix_entries import SURVEY_URL_KWARGS
    URL_KWARGS.update(SURVEY_URL_KWARGS)

Every page points at Merauke's Dukcapil; the invitation at a token that does not exist (a real
one would be used up by the first persona).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _unit(w: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code, "opd_slug": w.dukcapil.slug}


def _plan(w: Any) -> dict[str, Any]:
    from tests.surveys.matrix_entries import _followup

    return {**_unit(w), "code": _followup(w).code}


SURVEY_URL_KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "surveys:invitation": lambda w: {"token": "matrix-no-such-token"},
    "surveys:kiosk": _unit,
    "surveys:kiosk-thanks": _unit,
    "surveys:manage": lambda w: {"pemda_code": w.merauke.code},
    "surveys:paper": _unit,
    "surveys:import": _unit,
    "surveys:report": _unit,
    "surveys:report-xlsx": _unit,
    "surveys:settings": lambda w: {"pemda_code": w.merauke.code},
    "surveys:population": _unit,
    "surveys:design": _unit,
    "surveys:followups": _unit,
    "surveys:followup": _plan,
    "surveys:pemda": lambda w: {"pemda_code": w.merauke.code},
}
