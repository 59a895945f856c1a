"""Portal staff's door: every write goes through the same services as the pages."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nmiq_portal.core.admin import ReadOnly
from nmiq_portal.core.forms import message_service_errors
from nmiq_portal.workflow.admin import WorkflowEventInline

from . import services, synonyms
from .models import (
    AccessRequest,
    Contact,
    Evidence,
    Institute,
    Invitation,
    KcdbLabel,
    Membership,
    ReadinessLevel,
    ReadinessScale,
    SavedSearch,
    SearchSynonym,
    Service,
    TechnologyArea,
    Testbed,
)


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Shown to staff, changed only through the portal's pages (which call the services)."""


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("Members (managed on the institute's members page)")


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
        """Each institute on its own: one refusal (a verified namesake) stops no other, and
        only what was done is reported as done."""
        done = 0
        for institute in queryset:
            try:
                services.institute_set_verified(
                    actor=request.user, institute=institute, verified=verified
                )
            except ValidationError as error:
                message_service_errors(request, error)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d institute changed.", "%(count)d institutes changed.", done)
                % {"count": done},
                messages.SUCCESS,
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


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    """Answered on the portal's pages by the institute (the state table is in workflows.py)."""

    list_display = ["requester", "institute", "testbed", "service", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["requester__email", "organisation", "institute__acronym"]
    list_select_related = ["requester", "institute", "testbed", "service"]
    inlines = [WorkflowEventInline]


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "alerts", "created_at", "last_alerted_at"]
    list_filter = ["alerts"]
    search_fields = ["name", "user__email"]
    list_select_related = ["user"]


class ReadinessLevelInline(admin.TabularInline):
    model = ReadinessLevel
    extra = 1
    fields = ["level", "name", "name_fr", "description"]


@admin.register(ReadinessScale)
class ReadinessScaleAdmin(admin.ModelAdmin):
    """Readiness scales are data: staff add or reword them here."""

    list_display = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ReadinessLevelInline]


@admin.register(KcdbLabel)
class KcdbLabelAdmin(admin.ModelAdmin):
    """The KCDB's branch and service names in other languages: staff add those a new import
    brings."""

    list_display = ["name", "name_fr", "level"]
    list_filter = ["level"]
    search_fields = ["name", "name_fr"]


@admin.register(TechnologyArea)
class TechnologyAreaAdmin(admin.ModelAdmin):
    """The taxonomy is data kept by staff; the path follows the parent and the slug."""

    list_display = ["path", "name", "name_fr", "position"]
    search_fields = ["name", "name_fr", "slug", "path"]
    ordering = ["path"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "name_fr", "slug", "parent", "position", "description", "path"]
    readonly_fields = ["path"]


class SearchSynonymForm(forms.ModelForm):
    class Meta:
        model = SearchSynonym
        fields = ["terms", "note"]

    def clean_terms(self):
        return synonyms.cleaned_terms(self.cleaned_data["terms"])


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The search's synonyms are data: staff add abbreviations and spellings here."""

    form = SearchSynonymForm
    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]

    def save_model(self, request, obj, form, change):
        services.search_synonym_save(actor=request.user, synonym=obj)

    def delete_model(self, request, obj):
        services.search_synonym_delete(actor=request.user, synonym=obj)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            services.search_synonym_delete(actor=request.user, synonym=synonym)


class RecordAdmin(ReadOnlyAdmin):
    """Testbeds, services and contacts are kept by their institutes on the portal's pages;
    staff may publish, unpublish or retire them here, through the same services."""

    list_select_related = ["institute"]
    search_fields = ["name", "institute__acronym"]
    actions = ["publish", "unpublish", "retire"]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.is_staff

    def _apply(self, request, queryset, service):
        for record in queryset:
            service(actor=request.user, record=record)

    @admin.action(description=_("Publish the selected records"))
    def publish(self, request, queryset):
        self._apply(request, queryset, services.record_publish)

    @admin.action(description=_("Unpublish the selected records"))
    def unpublish(self, request, queryset):
        self._apply(request, queryset, services.record_unpublish)

    @admin.action(description=_("Retire the selected records"))
    def retire(self, request, queryset):
        self._apply(request, queryset, services.record_retire)


@admin.register(Testbed)
class TestbedAdmin(RecordAdmin):
    list_display = ["name", "institute", "status", "visibility", "published", "updated_at"]
    list_filter = ["published", "status", "visibility"]


@admin.register(Service)
class ServiceAdmin(RecordAdmin):
    list_display = ["name", "institute", "kind", "status", "visibility", "published", "updated_at"]
    list_filter = ["published", "kind", "status", "visibility"]


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = ["name", "institute", "function", "status", "published"]
    list_filter = ["published", "status"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Kept by the institutes on their record pages."""

    list_display = ["title", "kind", "testbed", "service", "reference", "year"]
    list_filter = ["kind"]
    search_fields = ["title", "reference", "doi"]
    list_select_related = ["testbed", "service"]
