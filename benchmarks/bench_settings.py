"""Settings for benchmark runs: production settings, with the URLs of ``bench_urls``."""

from __future__ import annotations

import os

os.environ.setdefault("MELAYANI_ENV", "production")

from melayani.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
