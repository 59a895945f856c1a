from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Institute, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Institute)
class InstituteAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "economy", "rmo", "verified", "demo"]
    list_filter = ["verified", "kind", "rmo", "demo"]
    search_fields = ["acronym", "name"]
    prepopulated_fields = {"slug": ["acronym"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["uuid", "verified", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["verify", "unverify"]

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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institute", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "institute__acronym"]
    raw_id_fields = ["user", "institute"]
    list_select_related = ["user", "institute"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "institute", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "institute__acronym"]
    raw_id_fields = ["institute", "invited_by", "answered_by"]
    readonly_fields = ["uuid", "created_at", "answered_at", "answered_by"]
