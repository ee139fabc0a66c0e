"""Forms for answering an invitation and recording attendance."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from .models import Attendance, Guest, Rsvp
from .selectors import AttendanceRow

MEMBER_FIELD = re.compile(r"^member-(\d+)$")


def _radios() -> forms.RadioSelect:
    # The Utrecht radio shows its checked state only with the html-input modifier.
    return forms.RadioSelect(attrs={"class": "utrecht-radio-button--html-input"})


class RsvpForm(Form):
    answer = forms.ChoiceField(
        label=_("Je antwoord"),
        choices=Rsvp.Answer.choices,
        widget=_radios(),
        error_messages={
            "required": _("Kies ‘Ik kom’ of ‘Ik kan niet’."),
            "invalid_choice": _("Kies ‘Ik kom’ of ‘Ik kan niet’."),
        },
    )


class AttendanceForm(Form):
    """One radio group per member (present / absent / excused). A member left blank is not
    recorded. Field names carry the membership id; a name for a seat that is not on this
    meeting's list (a tampered form) refuses the whole form."""

    def __init__(self, *args, rows: list[AttendanceRow], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row.membership.pk)] = forms.ChoiceField(
                label=row.membership.person.full_name,
                choices=Attendance.Status.choices,
                widget=_radios(),
                required=False,
                initial=row.initial,
            )

    @staticmethod
    def field_name(membership_id: int) -> str:
        return f"member-{membership_id}"

    def clean(self):
        cleaned = super().clean()
        stray = [key for key in self.data if MEMBER_FIELD.match(key) and key not in self.fields]
        if stray:
            raise ValidationError(
                _("Je kunt alleen aanwezigheid vastleggen voor leden van deze gemeenschap."),
                code="not_a_member",
            )
        return cleaned

    def statuses(self) -> dict[int, str | None]:
        return {
            row.membership.pk: self.cleaned_data.get(self.field_name(row.membership.pk)) or None
            for row in self.rows
        }

    def bound_rows(self) -> list[tuple[AttendanceRow, forms.BoundField]]:
        return [(row, self[self.field_name(row.membership.pk)]) for row in self.rows]


class GuestForm(Form):
    name = forms.CharField(label=_("Naam"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rol"), choices=Guest.Role.choices, initial=Guest.Role.GUEST)
    organisation_name = forms.CharField(label=_("Organisatie"), max_length=150, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation_name") and not cleaned.get("name"):
            self.add_error("name", _("Vul de naam van de gast in."))
        return cleaned

    def has_changed(self) -> bool:
        # The role select always has a value; a row counts as filled in only with a name.
        return bool((self.data.get(self.add_prefix("name")) or "").strip()) or bool(
            (self.data.get(self.add_prefix("organisation_name")) or "").strip()
        )


GuestFormSet = forms.formset_factory(GuestForm, extra=2, max_num=20)


def guests_from(formset) -> list[dict[str, str]]:
    return [
        {
            "name": form.cleaned_data["name"].strip(),
            "role": form.cleaned_data["role"],
            "organisation_name": form.cleaned_data.get("organisation_name", "").strip(),
        }
        for form in formset.forms
        if form.has_changed() and form.cleaned_data.get("name", "").strip()
    ]
