from django.contrib import admin
from django.http import HttpRequest

from melayani.regions.models import Region, RegionSuccession, RegionVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Region data comes only from the shipped files (``melayani load_regions``)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RegionVersion)
class RegionVersionAdmin(ReadOnlyAdmin):
    list_display = ["year", "legal_basis", "decree_date"]


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "is_autonomous",
        "is_current",
        "first_version",
        "last_version",
    ]
    list_filter = ["level", "kind", "is_current", "is_autonomous"]
    search_fields = ["^code", "name"]
    list_select_related = ["first_version", "last_version"]
    raw_id_fields = ["parent"]
    show_full_result_count = False


@admin.register(RegionSuccession)
class RegionSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["old_code", "new_code", "effective_version", "legal_basis", "note"]
    list_filter = ["effective_version"]
    search_fields = ["=old_code", "=new_code"]
    list_select_related = ["effective_version"]
