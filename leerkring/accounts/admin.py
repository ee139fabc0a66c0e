"""Django admin for the administrator (beheerder): accounts, programme roles and invitations.

Users sign in with their e-mail address; there is no username. Invitations are shown read-only:
only the hash of a token is stored, and a new link is made from the application, never here.
Second factors are shown without their (encrypted) secrets; a lost phone or key is handled with
the action "Tweede stap opnieuw laten instellen" on users, which removes them and ends the
person's sessions without the administrator seeing or choosing any secret.
"""

from __future__ import annotations

import allauth.account.admin  # noqa: F401 - registers first, replaced below
import allauth.mfa.admin  # noqa: F401
import allauth.usersessions.admin  # noqa: F401
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import second_factor
from .models import Invitation, ProgrammeRole, User

# allauth's own admins are imported first (so they are registered) and then replaced: e-mail
# addresses are not used (the account's address is the login), authenticators must not show
# their data, and sessions are searched by e-mail address.
for model in (EmailAddress, Authenticator, UserSession):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


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
    list_display = (
        "email",
        "person_name",
        "is_active",
        "is_staff",
        "second_factors",
        "last_login",
        "date_joined",
    )
    actions = ["reset_second_factor"]
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
        return (
            super()
            .get_queryset(request)
            .select_related("person")
            .prefetch_related(Prefetch("authenticator_set", to_attr="authenticators"))
        )

    @admin.display(description=_("tweede stap"))
    def second_factors(self, user: User) -> str:
        labels = sorted(
            str(Authenticator.Type(a.type).label)
            for a in user.authenticators
            if a.type in second_factor.FACTOR_TYPES
        )
        return ", ".join(labels) or "–"

    @admin.action(description=_("Tweede stap opnieuw laten instellen (telefoon of sleutel kwijt)"))
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        removed = 0
        for user in queryset:
            removed += second_factor.second_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            _(
                "%(removed)d tweede stap(pen) verwijderd en de sessies beëindigd. Bij de "
                "volgende keer inloggen stelt de persoon een nieuwe in."
            )
            % {"removed": removed},
            messages.SUCCESS,
        )

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


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Which second factors someone has and when they were used; never the secret itself."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Removing goes through the users' action, which audits and ends sessions.
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    search_fields = ("user__email", "ip")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at", "last_seen_at", "ip", "user_agent", "session_key")
    exclude = ("data",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
