"""The filters of the monitor matrix. Everything travels in the query string, so a filtered
matrix can be bookmarked or sent to a colleague; a stale value is ignored, not an error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from . import monitor


class MonitorFilterForm(Form):
    q = forms.CharField(label=_("Zoek op naam"), required=False, max_length=150, strip=True)
    status = forms.ChoiceField(
        label=_("Toon gemeenschappen met"),
        required=False,
        choices=[("", _("Alle gemeenschappen"))]
        + [(key, monitor.STATUS_LABELS[key]) for key in monitor.STATUS_ORDER],
        help_text=_("Minstens één toets met deze stand."),
    )
    check = forms.ChoiceField(
        label=_("Bij de toets"),
        required=False,
        choices=[("", _("Elke toets"))] + [(key, title) for key, title, _s, _src in monitor.CHECKS],
    )
    sort = forms.ChoiceField(
        label=_("Sorteer op"),
        required=False,
        choices=[("reds", _("Meeste ‘Voldoet niet’ eerst")), ("name", _("Naam (A–Z)"))],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {"sort": "reds"}
        self.is_valid()
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in self.errors
        }
        data.setdefault("sort", "reds")
        return data
