"""Tracking codes of complaints: the same random, phone-friendly codes as applications.

Re-exported from the applications module's public interface (its services and selectors), so
citizens meet one code format on the whole platform.
"""

from melayani.applications.selectors import contact_normalize, tracking_code_normalize
from melayani.applications.services import tracking_code_display, tracking_code_new

__all__ = [
    "contact_normalize",
    "tracking_code_display",
    "tracking_code_new",
    "tracking_code_normalize",
]
