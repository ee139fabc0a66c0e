"""The period of a report. It travels in the query string (`?from=2024-01-01&to=2024-12-31`,
or `?preset=2024`), so the page, its PDF and its XLSX show the same period and a report can be
bookmarked or sent to a colleague."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.core.forms import Form

from .reports import Period, calendar_year, last_twelve_months

LAST_12_MONTHS = "12m"
FIRST_YEAR = 2023
MAX_DAYS = 20 * 366


def presets(today: datetime.date | None = None) -> list[tuple[str, str, Period]]:
    """(key, label, period): the last twelve months, then every calendar year from the first
    year of the programmes (2023) up to this one, newest first."""
    today = today or timezone.localdate()
    found = [(LAST_12_MONTHS, _("Afgelopen 12 maanden"), last_twelve_months(today))]
    for year in range(today.year, FIRST_YEAR - 1, -1):
        found.append((str(year), str(year), calendar_year(year)))
    return found


class ReportPeriodForm(Form):
    """From–to dates, or a preset. Without input the report covers the last twelve months."""

    preset = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two fields are added by name.
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("Van"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=gettext_lazy("Eerste dag van de periode."),
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("Tot en met"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=gettext_lazy("Laatste dag van de periode."),
        )
        self.order_fields(["from", "to", "preset"])
        # Re-style the added fields (the mixin ran before they existed).
        for name in ("from", "to"):
            widget = self.fields[name].widget
            widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"

    def clean(self):
        data = super().clean()
        start, end, preset = data.get("from"), data.get("to"), data.get("preset")
        if self.errors:
            return data
        if start is None and end is None:
            known = {key: period for key, _label, period in presets()}
            if preset and preset not in known:
                raise forms.ValidationError(_("Kies een van de aangeboden periodes."))
            data["period"] = known.get(preset or LAST_12_MONTHS)
            return data
        if start is None:
            self.add_error("from", _("Vul ook de eerste dag van de periode in."))
            return data
        if end is None:
            self.add_error("to", _("Vul ook de laatste dag van de periode in."))
            return data
        if start > end:
            self.add_error(
                "to", _("De laatste dag ligt vóór de eerste dag. Kies een latere datum.")
            )
            return data
        if (end - start).days > MAX_DAYS:
            self.add_error("from", _("Kies een periode van hoogstens twintig jaar."))
            return data
        data["period"] = Period(start=start, end=end)
        return data

    def period(self) -> Period | None:
        """The chosen period, or None when the input has errors (shown next to the fields)."""
        if not self.is_bound:
            return last_twelve_months()
        if not self.is_valid():
            return None
        return self.cleaned_data["period"]

    @property
    def preset_key(self) -> str:
        if self.is_bound and self.is_valid() and not self.cleaned_data.get("from"):
            return self.cleaned_data.get("preset") or LAST_12_MONTHS
        return "" if self.is_bound else LAST_12_MONTHS
