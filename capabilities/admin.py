"""Portal staff's door: every write goes through the same services as the pages."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Institute, Invitation, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to staff, changed only through the portal's pages (which call the services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("Members (managed on the institute's members page)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Institute)
class InstituteAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "economy", "rmo", "verified", "demo"]
    list_filter = ["verified", "kind", "rmo", "demo"]
    search_fields = ["acronym", "name"]
    prepopulated_fields = {"slug": ["acronym"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "name",
        "acronym",
        "slug",
        "kind",
        "economy",
        "rmo",
        "website",
        "description",
        "verified",
        "demo",
        "uuid",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["uuid", "verified", "demo", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["verify", "unverify"]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.changed_data}
        if change:
            services.institute_update(actor=request.user, institute=obj, **data)
            return
        created = services.institute_create(actor=request.user, **form.cleaned_data)
        obj.pk, obj.uuid, obj._state.adding = created.pk, created.uuid, False

    def delete_model(self, request, obj):
        services.institute_delete(actor=request.user, institute=obj)

    def delete_queryset(self, request, queryset):
        for institute in queryset:
            services.institute_delete(actor=request.user, institute=institute)

    def _set_verified(self, request, queryset, verified):
        for institute in queryset:
            services.institute_set_verified(
                actor=request.user, institute=institute, verified=verified
            )

    @admin.action(description=_("Verify the selected institutes"))
    def verify(self, request, queryset):
        self._set_verified(request, queryset, True)

    @admin.action(description=_("Withdraw verification of the selected institutes"))
    def unverify(self, request, queryset):
        self._set_verified(request, queryset, False)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "institute", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "institute__acronym"]
    list_select_related = ["user", "institute"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "institute", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "institute__acronym"]
    list_select_related = ["institute"]
