"""What every page's shell (``base.html``) needs; no database queries."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

import melayani


def shell(request: HttpRequest) -> dict[str, object]:
    return {
        "melayani_version": melayani.__version__,
        "shell_languages": settings.LANGUAGES,
    }
