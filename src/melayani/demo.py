"""Demo data for the whole platform: each module adds its seeder to ``SEEDERS`` in order."""

from __future__ import annotations

from melayani.applications.demo import applications_demo_seed
from melayani.catalog.demo import catalog_demo_seed
from melayani.complaints.demo import complaints_demo_seed
from melayani.core.demo import DemoReport, demo_seed
from melayani.evaluation.demo import evaluation_demo_seed
from melayani.privacy.demo import privacy_demo_seed
from melayani.surveys.demo import surveys_demo_seed

SEEDERS = [demo_seed, catalog_demo_seed, applications_demo_seed, surveys_demo_seed]
SEEDERS.append(evaluation_demo_seed)
SEEDERS.append(complaints_demo_seed)
SEEDERS.append(privacy_demo_seed)


def demo_seed_all() -> DemoReport:
    report = demo_seed()
    for seeder in SEEDERS[1:]:
        seeder()
    return report
