"""Settings for the test suite: the ``test`` environment of :mod:`melayani.settings`."""

import os

os.environ["MELAYANI_ENV"] = "test"

from melayani.settings import *  # noqa: F403

# Tests assert on the English source texts. The Indonesian default of every real environment is
# tested explicitly (override_settings(LANGUAGE_CODE="id")) in tests/core/test_translations.py.
LANGUAGE_CODE = "en"
