"""Demo data for the whole platform: each module adds its seeder to ``SEEDERS`` in order."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from melayani.applications.demo import applications_demo_seed
from melayani.catalog.demo import catalog_demo_seed
from melayani.complaints.demo import complaints_demo_seed
from melayani.core.demo import DemoReport, demo_seed
from melayani.evaluation.demo import evaluation_demo_seed
from melayani.privacy.demo import privacy_demo_seed
from melayani.surveys.demo import surveys_demo_seed

SEEDERS = [
    demo_seed,
    catalog_demo_seed,
    applications_demo_seed,
    surveys_demo_seed,
    evaluation_demo_seed,
    complaints_demo_seed,
    privacy_demo_seed,
]

#: Loggers that report each message sent to a citizen or an official.
NOTIFICATION_LOGGERS = (
    "melayani.applications.notifications",
    "melayani.complaints.notifications",
)


def demo_seed_all() -> DemoReport:
    with notifications_silenced():
        report = demo_seed()
        for seeder in SEEDERS[1:]:
            seeder()
    return report


@contextmanager
def notifications_silenced() -> Iterator[None]:
    """Demo people are not told of demo events: no e-mail and no per-message log lines, so the
    demo logins are not buried under hundreds of printed messages."""
    backend = settings.EMAIL_BACKEND
    loggers = [logging.getLogger(name) for name in NOTIFICATION_LOGGERS]
    levels = [logger.level for logger in loggers]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
