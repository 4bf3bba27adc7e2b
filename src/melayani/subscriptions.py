"""Every domain-event subscription in the platform, in one visible place.

A service publishes a named event with :func:`melayani.core.events.publish`; the subscribers listed
here run after the publishing transaction commits. Later modules add their lines here.
"""

from melayani.core.events import subscribe  # noqa: F401
