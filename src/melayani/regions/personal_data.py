"""Personal data held by ``regions``: none (see ``melayani/privacy/README.md``)."""

from melayani.privacy.inventory import declare_not_personal

declare_not_personal("regions.Region", "name", reason="the name of an administrative region")
