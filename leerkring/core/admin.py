"""The audit history in the admin: readable and searchable, never editable (it is append-only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessRecord, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "verb", "object_type", "object_id", "actor", "community_id")
    list_filter = ("verb", "object_type")
    search_fields = ("verb", "actor__email", "object_type")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "verb",
        "object_type",
        "object_id",
        "community_id",
        "data",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Administrators see every programme's access log; nobody edits it."""

    list_display = ("created_at", "kind", "subject", "actor", "programme_id", "community_id")
    list_filter = ("kind",)
    search_fields = ("subject", "actor__email")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "kind",
        "object_type",
        "object_id",
        "subject",
        "programme_id",
        "community_id",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
