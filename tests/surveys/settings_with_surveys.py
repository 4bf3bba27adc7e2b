"""Test settings with the surveys app installed (until the lead adds it to INSTALLED_APPS)."""

from melayani.test_settings import *  # noqa: F403

if "melayani.surveys" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "melayani.surveys"]  # noqa: F405
