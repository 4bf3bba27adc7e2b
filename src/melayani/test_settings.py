"""Settings for the test suite: the ``test`` environment of :mod:`melayani.settings`."""

import os

os.environ["MELAYANI_ENV"] = "test"

from melayani.settings import *  # noqa: F403
