"""Every domain-event subscription in the platform, in one visible place.

A service publishes a named event with :func:`melayani.core.events.publish`; the subscribers listed
here run after the publishing transaction commits. Later modules add their lines here.
"""

from melayani.core.events import subscribe
from melayani.surveys.services import invitation_on_application_completed

# An application completed → invite its citizen to the satisfaction survey (SKM), one token each.
subscribe("applications.completed", invitation_on_application_completed)
