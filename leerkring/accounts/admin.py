"""Django admin for the administrator (beheerder): accounts, programme roles and invitations.

Users sign in with their e-mail address; there is no username. Invitations are shown read-only:
only the hash of a token is stored, and a new link is made from the application, never here.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Invitation, ProgrammeRole, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "person_name", "is_active", "is_staff", "last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "person__full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Rechten"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("person")

    @admin.display(description=_("naam"), ordering="person__full_name")
    def person_name(self, user: User) -> str:
        person = getattr(user, "person", None)
        return person.full_name if person else "–"


@admin.register(ProgrammeRole)
class ProgrammeRoleAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "programme", "created_at")
    list_filter = ("role", "programme")
    search_fields = ("person__full_name", "person__email")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "programme")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "person", "community", "invited_by", "created_at", "state")
    list_filter = ("accepted_at", "revoked_at")
    search_fields = ("email", "person__full_name")
    list_select_related = ("person", "community", "invited_by")
    date_hierarchy = "created_at"
    readonly_fields = (
        "person",
        "email",
        "token_hash",
        "invited_by",
        "community",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )

    @admin.display(description=_("status"))
    def state(self, invitation: Invitation) -> str:
        if invitation.accepted_at:
            return str(_("Aangenomen"))
        if invitation.revoked_at:
            return str(_("Vervangen of ingetrokken"))
        if not invitation.is_usable:
            return str(_("Verlopen"))
        return str(_("Open"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
