"""Personal data held by ``catalog``: none (see ``melayani/privacy/README.md``)."""

from melayani.privacy.inventory import declare_not_personal

declare_not_personal("catalog.ServiceType", "name", reason="the name of a public service")
