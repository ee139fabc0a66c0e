"""Django admin for the administrator: programmes with their rules, organisations, people,
communities and memberships. Day-to-day work happens in the application; this is for repairs."""

from __future__ import annotations

from django.contrib import admin

from .models import Community, Membership, Organisation, Person, Programme, RuleProfile
from .presets import preset_values


class RuleProfileInline(admin.StackedInline):
    model = RuleProfile
    can_delete = False
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "coordinating_organisation", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RuleProfileInline]

    def save_related(self, request, form, formsets, change):
        """Every programme has rule profile; pages rely on it. When the inline was left empty,
        start from the Inburgering preset, which the coordinator can then adapt."""
        super().save_related(request, form, formsets, change)
        programme = form.instance
        if not RuleProfile.objects.filter(programme=programme).exists():
            RuleProfile.objects.create(
                programme=programme, preset="inburgering", **preset_values("inburgering")
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "region", "city")
    list_filter = ("type", "region")
    search_fields = ("name", "city", "region")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "organisation", "job_title", "user")
    list_filter = ("organisation__type",)
    search_fields = ("full_name", "email", "organisation__name")
    list_select_related = ("organisation", "user")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "community"
    extra = 0
    fields = ("person", "role", "organisation", "joined_on", "left_on", "left_reason")
    autocomplete_fields = ("person", "organisation")
    show_change_link = True


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "scope", "region", "scenario", "phase", "status")
    list_filter = ("programme", "status", "scenario", "phase", "scope")
    search_fields = ("name", "region", "theme")
    list_select_related = ("programme",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "community", "role", "organisation", "joined_on", "left_on")
    list_filter = ("role", "community__programme", "left_reason")
    search_fields = ("person__full_name", "person__email", "community__name")
    list_select_related = ("person", "community", "organisation")
    autocomplete_fields = (
        "person",
        "community",
        "organisation",
        "predecessor",
        "shares_seat_with",
    )
    date_hierarchy = "joined_on"
