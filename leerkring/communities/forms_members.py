"""Input for managing a community's members and the organisation directory.

The forms check the shape of the input; the rules (who may hold which role, when a membership
may end, who may share a seat) live in `services.py`, whose errors the views put next to the
fields with `form.add_service_errors`.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form, ModelForm

from .models import Membership, Organisation


class DateInput(forms.DateInput):
    """The browser's own date picker; it sends ISO dates, which Django always accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MemberSearchForm(Form):
    """Search and filter on the members page; an invalid value just means "no filter"."""

    q = forms.CharField(
        label=_("Zoek op naam, e-mailadres, functie of organisatie"),
        required=False,
        max_length=100,
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        required=False,
        choices=[("", _("Alle rollen")), *Membership.Role.choices],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "role": ""}
        return {"q": self.cleaned_data["q"], "role": self.cleaned_data["role"]}


class MembershipRoleForm(Form):
    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)


class MembershipEndForm(Form):
    left_on = forms.DateField(
        label=_("Einddatum"),
        widget=DateInput(),
        help_text=_("Vanaf deze datum is deze persoon geen lid meer."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("left_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class MembershipHandoverForm(Form):
    full_name = forms.CharField(label=_("Naam van de opvolger"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres van de opvolger"),
        help_text=_("Is deze persoon al bekend in Leerkring, dan blijven de gegevens gelijk."),
    )
    job_title = forms.CharField(label=_("Functie"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        help_text=_("De organisatie waarvoor de opvolger deelneemt."),
        error_messages={"invalid_choice": _("Kies een organisatie uit de lijst.")},
    )
    left_on = forms.DateField(
        label=_("Datum van overdracht"),
        widget=DateInput(),
        help_text=_("Vanaf deze datum neemt de opvolger de plek in."),
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("organisation", membership.organisation_id)
        initial.setdefault("left_on", timezone.localdate())
        super().__init__(*args, **kwargs)


OWN_SEAT = ""


class RadioSelect(forms.RadioSelect):
    """Radio buttons whose field id points at the first option, so the error summary's link
    moves focus into the group."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class MembershipSeatForm(Form):
    """Choose a colleague of the same organisation to attend in turn with, or an own seat.
    Only those colleagues are offered; any other id is refused as an invalid choice."""

    shares_seat_with = forms.ChoiceField(
        label=_("Plek"),
        widget=RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Kies een collega van dezelfde organisatie in deze gemeenschap, of een eigen plek."
            )
        },
    )

    def __init__(self, *args, colleagues: list[Membership], current: Membership, **kwargs):
        self.colleagues = {str(m.pk): m for m in colleagues}
        kwargs.setdefault("initial", {}).setdefault(
            "shares_seat_with",
            str(current.shares_seat_with_id) if current.shares_seat_with_id else OWN_SEAT,
        )
        super().__init__(*args, **kwargs)
        choices = [(OWN_SEAT, _("Eigen plek"))]
        for pk, colleague in self.colleagues.items():
            label = _("Plek delen met %(name)s") % {"name": colleague.person.full_name}
            choices.append((pk, label))
        self.fields["shares_seat_with"].choices = choices

    def clean_shares_seat_with(self) -> Membership | None:
        value = self.cleaned_data.get("shares_seat_with") or OWN_SEAT
        return self.colleagues.get(value) if value != OWN_SEAT else None


class OrganisationForm(ModelForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={"invalid": _("Vul een geldig webadres in, bijvoorbeeld www.gemeente.nl.")},
    )

    class Meta:
        model = Organisation
        fields = ["name", "type", "region", "city", "website"]
        error_messages = {
            "name": {"unique": _("Er is al een organisatie met deze naam.")},
        }


class OrganisationFilterForm(Form):
    """Filters of the organisation directory; a GET form, so unknown values are ignored."""

    q = forms.CharField(label=_("Zoek op naam of plaats"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Soort"), required=False)
    region = forms.ChoiceField(label=_("Regio"), required=False)
    sort = forms.ChoiceField(
        label=_("Sorteer op"),
        required=False,
        choices=[
            ("name", _("Naam (A–Z)")),
            ("-name", _("Naam (Z–A)")),
            ("type", _("Soort")),
            ("region", _("Regio")),
            ("city", _("Plaats")),
            ("-people", _("Meeste mensen")),
            ("-communities", _("Meeste gemeenschappen")),
        ],
    )

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Alle soorten")), *Organisation.Type.choices]
        self.fields["region"].choices = [("", _("Alle regio's"))] + [(r, r) for r in regions]

    def filters(self) -> dict[str, str]:
        """The valid filters only: a stale link with a removed region still shows a list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q", ""),
            "type": data.get("type", ""),
            "region": data.get("region", ""),
            "sort": data.get("sort") or "name",
        }
