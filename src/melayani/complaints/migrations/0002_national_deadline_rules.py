"""The national default stage limits (COMPLAINTS.md §6), as data a Pemda can override.

Written out here rather than imported from the app (migrations never import app code).
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2018, 1, 1)

# (stage, classification, tier, value, unit, counted from, legal source, confidence)
RULES = [
    ("verification", "", "", 3, "working_days", "submitted",
     "SP4N-LAPOR! FAQ: verification by the admin (COMPLAINTS.md C10)", "verified"),
    ("forwarding", "", "", 3, "working_days", "submitted",
     "SP4N-LAPOR!: forwarded to the responsible agency (COMPLAINTS.md C16)", "verified"),
    ("follow_up", "", "", 5, "working_days", "disposed",
     "SP4N-LAPOR!: internal coordination and formulated follow-up (COMPLAINTS.md C16)",
     "verified"),
    ("follow_up", "information_request", "", 10, "working_days", "disposed",
     "UU 14/2008 (KIP): 10 working days, extendable by 7 (COMPLAINTS.md C19)", "verified"),
    ("follow_up", "", "field_check", 60, "calendar_days", "disposed",
     "LAPOR! statement: complaints needing a field check (COMPLAINTS.md C18)", "secondary"),
    ("dispute", "", "standard", 14, "calendar_days", "disputed",
     "LAPOR! statement: disputes without a field check (COMPLAINTS.md C18)", "secondary"),
    ("dispute", "", "field_check", 60, "calendar_days", "disputed",
     "LAPOR! statement: complaints needing a field check (COMPLAINTS.md C18)", "secondary"),
    ("auto_close", "", "", 10, "working_days", "answer_sent",
     "SP4N-LAPOR!: finished after 10 working days without reply (COMPLAINTS.md C16)", "verified"),
    ("settlement", "", "", 60, "calendar_days", "verified",
     "Perpres 76/2013: settled within 60 days of a complete file (COMPLAINTS.md C3)",
     "secondary"),
    ("escalation", "", "", 2, "working_days", "due",
     "Design: grace after a missed stage before the Inspektorat is told", "design"),
]


def add_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    for stage, classification, tier, value, unit, start, source, confidence in RULES:
        DeadlineRule.objects.get_or_create(
            pemda=None,
            stage=stage,
            classification=classification,
            tier=tier,
            valid_from=VALID_FROM,
            defaults={
                "value": value,
                "unit": unit,
                "clock_start": start,
                "legal_source": source,
                "confidence": confidence,
            },
        )


def remove_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    DeadlineRule.objects.filter(pemda=None, valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints_core")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
