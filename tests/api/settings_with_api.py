"""Test settings with the API app installed (until the project settings list it)."""

from melayani.test_settings import *  # noqa: F403
from melayani.test_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "ninja", "melayani.api"]
