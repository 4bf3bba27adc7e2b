"""Personal data held by ``workcalendar``: none (see ``melayani/privacy/README.md``)."""

from melayani.privacy.inventory import declare_not_personal

declare_not_personal("workcalendar.HolidayOverride", "name", reason="the name of a holiday")
declare_not_personal("workcalendar.LocalDayOff", "name", reason="the name of a day off")
