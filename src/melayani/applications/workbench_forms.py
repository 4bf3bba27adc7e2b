"""Forms of the officer workbench: the queue filters, bulk actions and the transition forms.

The forms only validate input at the boundary; every decision (may this officer do it, is the
transition allowed) is made by the service functions the views call.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from melayani.applications.models import ApplicationStatus
from melayani.catalog.models import ServiceType
from melayani.core import access
from melayani.core.models import OPD, RoleAssignment, User
from melayani.workcalendar.clock import DeadlineUnit

VIEW = "services.view"
HANDLE = "services.handle"
SUPERVISE = "services.supervise"

#: Most rows one bulk action may touch (a page of the queue is smaller).
BULK_LIMIT = 100

DUE_CHOICES = [
    ("", _("Any deadline")),
    ("soon", _("Due soon")),
    ("overdue", _("Overdue")),
]
SORT_CHOICES = [
    ("due", _("Due date, soonest first")),
    ("-due", _("Due date, latest first")),
    ("-submitted", _("Submitted, newest first")),
    ("submitted", _("Submitted, oldest first")),
]


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def workbench_units(user: Any) -> QuerySet[OPD]:
    """The units whose applications the user may see (their OPD subtree, or a whole Pemda)."""
    return access.scoped(user, OPD.objects.filter(is_active=True), VIEW).order_by("path", "name")


def workbench_services(user: Any) -> QuerySet[ServiceType]:
    return access.scoped(user, ServiceType.objects.all(), VIEW).order_by("name")


def assignable_officers(user: Any) -> QuerySet[User]:
    """Officials who may handle applications in the units this user supervises."""
    handlers = access.scoped(
        user, RoleAssignment.objects.current().filter(opd__isnull=False), SUPERVISE
    ).filter(role__actions__code=HANDLE)
    return (
        User.objects.filter(is_active=True, pk__in=handlers.values("user_id"))
        .distinct()
        .order_by("full_name", "username")
    )


class IdListField(forms.Field):
    """Application ids ticked in the queue; each is checked through the access layer later."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one application."),
        "invalid": _("Select applications from the list."),
        "too_many": _("Select at most %(limit)s applications at once."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        ids: list[int] = []
        for item in value if isinstance(value, list | tuple) else [value]:
            try:
                number = int(item)
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if number not in ids:
                ids.append(number)
        if len(ids) > BULK_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": BULK_LIMIT}
            )
        return ids


class QueueFilterForm(forms.Form):
    opd = forms.ModelChoiceField(
        label=_("Unit"), queryset=OPD.objects.none(), required=False, empty_label=_("All units")
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceType.objects.none(),
        required=False,
        empty_label=_("All services"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ApplicationStatus.choices],
    )
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=DUE_CHOICES)
    q = forms.CharField(
        label=_("Tracking code or applicant name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opd = self.fields["opd"]
        service = self.fields["service"]
        assert isinstance(opd, forms.ModelChoiceField)
        assert isinstance(service, forms.ModelChoiceField)
        opd.queryset = workbench_units(user)
        service.queryset = workbench_services(user)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of ``application_queue`` (none if the form is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "opd": data["opd"],
            "service": data["service"],
            "status": data["status"] or None,
            "due": data["due"],
            "query": data["q"].strip(),
        }

    def sort_key(self) -> str:
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data["sort"] or "due")
        return "due"


BULK_CHOICES = [
    ("claim", _("Claim (assign to me)")),
    ("assign", _("Assign to an officer")),
    ("verify", _("Verify as complete (submitted only)")),
]


class BulkAction(forms.Form):
    CLAIM = "claim"
    ASSIGN = "assign"
    VERIFY = "verify"

    action = forms.ChoiceField(label=_("With the selected applications"), choices=BULK_CHOICES)
    selected = IdListField(label=_("Selected applications"))
    officer = OfficerChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose an officer"),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        action = self.fields["action"]
        assert isinstance(officer, forms.ModelChoiceField)
        assert isinstance(action, forms.ChoiceField)
        officer.queryset = assignable_officers(user)
        if not access.can(user, SUPERVISE):
            action.choices = [c for c in BULK_CHOICES if c[0] != self.ASSIGN]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("action") == self.ASSIGN
            and not data.get("officer")
            and not self.has_error("officer")
        ):
            self.add_error("officer", _("Choose the officer to assign the applications to."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the applicant)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtendForm(forms.Form):
    amount = forms.IntegerField(label=_("Extend by"), min_value=1, max_value=365)
    unit = forms.ChoiceField(label=_("Unit"), choices=DeadlineUnit.choices)
    reason = forms.CharField(
        label=_("Reason (shown to the applicant)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    officer = OfficerChoiceField(
        label=_("Officer"), queryset=User.objects.none(), empty_label=_("Choose an officer")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = assignable_officers(user)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    visible_to_citizen = forms.BooleanField(
        label=_("Visible to the applicant"),
        required=False,
        help_text=_("Leave unticked for a note only officials can read."),
    )


class EmptyForm(forms.Form):
    """Transitions without input (verify, start, claim): only the CSRF token is posted."""
