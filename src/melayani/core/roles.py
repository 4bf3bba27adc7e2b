"""Built-in actions and roles: the default policy, loaded as data.

These rows are created by :func:`melayani.core.services.roles_sync_builtin` (run by ``migrate``'s
post-migrate hook and by ``seed_demo``). A Pemda can add its own roles in the database; the access
layer reads only the database, never this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ActionSpec:
    code: str
    description: Promise
    read_only: bool = False


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: Promise
    scope: str
    actions: tuple[str, ...]
    requires_two_factor: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("pemda.view", _("See the Pemda's internal pages"), read_only=True),
    ActionSpec("pemda.manage_settings", _("Change the Pemda's settings")),
    ActionSpec("opd.view", _("See OPD and units"), read_only=True),
    ActionSpec("opd.manage", _("Create and change OPD and units")),
    ActionSpec("people.view", _("See officials and their roles"), read_only=True),
    ActionSpec("people.manage", _("Assign and end roles")),
    ActionSpec("audit.view_events", _("Browse the audit trail"), read_only=True),
    ActionSpec("calendar.manage", _("Manage local days off and office hours")),
    ActionSpec("aggregates.view", _("See aggregate statistics"), read_only=True),
    ActionSpec("personal_data.view_unmasked", _("See personal data unmasked")),
    ActionSpec("privacy.manage", _("Handle data-subject requests, breaches and retention")),
    ActionSpec("reform.manage", _("Run the reform evaluation cycle")),
    ActionSpec("reform.verify", _("Verify reform self-assessments")),
    ActionSpec("reform.answer", _("Answer a unit's reform self-assessment questions")),
    ActionSpec("reform.instruments", _("Edit evaluation instruments (national reference data)")),
    ActionSpec("catalog.manage", _("Draft and publish services, standards and pledges")),
    ActionSpec("services.view", _("See applications"), read_only=True),
    ActionSpec("surveys.enter", _("Enter paper survey forms and import survey files")),
    ActionSpec("surveys.manage", _("Set a unit's survey questions, weights and population")),
    ActionSpec("surveys.view", _("See raw survey responses"), read_only=True),
    ActionSpec("services.handle", _("Handle applications")),
    ActionSpec("services.supervise", _("Supervise a unit's applications")),
    ActionSpec("complaints.coordinate", _("Classify and route complaints")),
    ActionSpec("complaints.handle", _("Answer complaints routed to a unit")),
    ActionSpec("complaints.view_integrity", _("See whistleblowing reports")),
)

_READ = ("pemda.view", "opd.view", "aggregates.view")

#: Actions a platform administrator does not hold: each shows citizens' personal data whole.
PLATFORM_EXCLUDED = frozenset(
    {
        "personal_data.view_unmasked",
        "privacy.manage",
        "services.view",
        "services.handle",
        "services.supervise",
        "complaints.coordinate",
        "complaints.handle",
        "complaints.view_integrity",
        "surveys.view",
    }
)

ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "opd_officer",
        _("OPD officer"),
        "opd",
        (
            *_READ,
            "services.view",
            "services.handle",
            "complaints.handle",
            "surveys.enter",
            "surveys.view",
            "reform.answer",
        ),
    ),
    RoleSpec(
        "opd_head",
        _("OPD head"),
        "opd",
        (
            *_READ,
            "people.view",
            "catalog.manage",
            "services.view",
            "services.handle",
            "services.supervise",
            "complaints.handle",
            "surveys.enter",
            "surveys.manage",
            "surveys.view",
            "reform.answer",
        ),
    ),
    RoleSpec(
        "pemda_admin",
        _("Pemda administrator"),
        "pemda",
        (
            *_READ,
            "pemda.manage_settings",
            "opd.manage",
            "people.view",
            "people.manage",
            "calendar.manage",
            "catalog.manage",
            "services.view",
            "surveys.manage",
            "surveys.view",
        ),
        requires_two_factor=True,
    ),
    RoleSpec(
        "reform_team",
        _("RB team / Organisation bureau"),
        "pemda",
        (*_READ, "people.view", "reform.manage"),
    ),
    RoleSpec(
        "inspectorate",
        _("Inspektorat (APIP)"),
        "pemda",
        (
            *_READ,
            "people.view",
            "audit.view_events",
            "reform.verify",
            "complaints.view_integrity",
            "services.view",
            "surveys.view",
        ),
        requires_two_factor=True,
    ),
    RoleSpec(
        "complaint_coordinator",
        _("Complaint coordinator (admin koordinator)"),
        "pemda",
        (*_READ, "complaints.coordinate"),
    ),
    RoleSpec(
        "complaint_liaison",
        _("OPD liaison (admin penghubung)"),
        "opd",
        (*_READ, "complaints.handle"),
    ),
    RoleSpec(
        "dpo",
        _("Data protection officer"),
        "pemda",
        (
            *_READ,
            "people.view",
            "audit.view_events",
            "personal_data.view_unmasked",
            "privacy.manage",
        ),
        requires_two_factor=True,
    ),
    RoleSpec("regional_leader", _("Regional leader"), "pemda", (*_READ, "people.view")),
    RoleSpec(
        "national_analyst",
        _("National analyst"),
        "national",
        _READ,
        requires_two_factor=True,
    ),
    RoleSpec(
        "platform_admin",
        _("Platform administrator"),
        "platform",
        # Platform staff run the platform; they do not read citizens' personal data, so they
        # hold none of the actions that open a citizen's case whole (PLATFORM_EXCLUDED): those
        # stay with the Pemda's own officials.
        tuple(a.code for a in ACTIONS if a.code not in PLATFORM_EXCLUDED),
        requires_two_factor=True,
    ),
)

# Roles whose holders must use one-time codes whatever the Pemda decides.
ALWAYS_TWO_FACTOR = frozenset(r.code for r in ROLES if r.requires_two_factor)
