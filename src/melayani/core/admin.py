"""Admin pages for platform administrators. Tenant data is changed through services elsewhere;
here the platform staff see and correct reference data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from melayani.core.models import OPD, Action, Pemda, Role, RoleAssignment, User


@admin.register(Pemda)
class PemdaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "time_zone", "is_active"]
    list_filter = ["kind", "time_zone", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["region", "code", "kind", "province"]
    list_select_related = ["province"]


@admin.register(OPD)
class OPDAdmin(admin.ModelAdmin):
    list_display = ["name", "pemda", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "pemda__name", "pemda__code"]
    autocomplete_fields = ["pemda", "parent"]
    readonly_fields = ["path"]
    list_select_related = ["pemda", "parent"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "is_read_only"]
    search_fields = ["code"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scope", "pemda", "requires_two_factor"]
    list_filter = ["scope", "requires_two_factor"]
    filter_horizontal = ["actions"]
    autocomplete_fields = ["pemda"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "pemda", "opd", "starts_on", "ends_on", "acting"]
    list_filter = ["role", "acting"]
    search_fields = ["user__username", "user__full_name", "pemda__name"]
    autocomplete_fields = ["user", "pemda", "opd"]
    list_select_related = ["user", "role", "pemda", "opd"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "nip"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Melayani"), {"fields": ("kind", "full_name", "nip", "phone", "preferred_language")}),
    )
