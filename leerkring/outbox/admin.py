"""The outbox in the admin: the queue overview above the list of e-mails, each e-mail with its
attempts. Content of e-mail with a one-time link is never shown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .models import Attempt, Message


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("at", "outcome", "code", "reason", "worker")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "recipient", "subject", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("recipient", "message_id", "reference")
    date_hierarchy = "created_at"
    ordering = ("-pk",)
    actions = ["retry_failed"]
    inlines = [AttemptInline]
    fields = (
        "kind",
        "scope_type",
        "scope_id",
        "reference",
        "message_id",
        "from_email",
        "recipient",
        "to_header",
        "subject",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "deadline",
        "lease_owner",
        "lease_expires_at",
        "sent_at",
        "finished_at",
        "last_error",
        "content",
    )
    readonly_fields = fields

    @admin.display(description=_("inhoud"))
    def content(self, obj: Message) -> str:
        if obj.secret:
            return _("Niet getoond: dit bericht bevat een persoonlijke link.")
        if obj.redacted_at:
            return _("Gewist na verzending.")
        return obj.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Opnieuw versturen (alleen mislukte)"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = services.failed_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail staat weer in de wachtrij.",
                "%(count)s e-mails staan weer in de wachtrij.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "overview": selectors.queue_overview()}
        return super().changelist_view(request, extra_context=extra_context)
