"""Personal data held by ``api``: none (see ``melayani/privacy/README.md``)."""

from melayani.privacy.inventory import declare_not_personal

declare_not_personal("api.ApiClient", "name", reason="the name of a client system")
declare_not_personal("api.OfficerToken", "name", reason="a label the official gives a token")
