"""Django admin for the administrator: repairs, not day-to-day work."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, Subscriber
from .services import delivery_mark_bounced


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "newsletter", "confirmed_at", "unsubscribed_at", "created_at")
    list_filter = ("newsletter",)
    search_fields = ("email",)
    raw_id_fields = ("person",)
    actions = ["mark_bounced"]

    @admin.action(description=_("Onbestelbaar: laatste e-mail teruggekomen, afmelden"))
    def mark_bounced(self, request, queryset):
        """For a bounce report from the mail server, until bounces are read automatically:
        see `services.delivery_mark_bounced`."""
        marked = 0
        for email in sorted(set(queryset.values_list("email", flat=True))):
            marked += delivery_mark_bounced(email=email, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d verzending als onbestelbaar vastgelegd.",
                "%(count)d verzendingen als onbestelbaar vastgelegd.",
                marked,
            )
            % {"count": marked},
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("issue", "subscriber", "status", "sent_at")
    list_filter = ("status",)
    search_fields = ("subscriber__email",)
    raw_id_fields = ("issue", "subscriber")
    readonly_fields = ("issue", "subscriber", "status", "error", "sent_at")
