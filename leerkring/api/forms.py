"""Forms of the token and webhook pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Programme
from leerkring.core.forms import Form

from .models import ApiToken, WebhookSubscription

DAY_CHOICES = [
    (30, _("30 dagen")),
    (90, _("90 dagen")),
    (180, _("180 dagen")),
    (365, _("1 jaar")),
]


class TokenForm(Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Waarvoor gebruikt u de sleutel? Bijvoorbeeld ‘Dashboard regio Oost’."),
    )
    access = forms.ChoiceField(
        label=_("Rechten"),
        choices=ApiToken.Access.choices,
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "Met ‘lezen en schrijven’ kan een programma namens u signalen melden en "
            "beantwoorden. Kies ‘alleen lezen’ als dat niet nodig is."
        ),
    )
    days = forms.TypedChoiceField(label=_("Geldig"), choices=DAY_CHOICES, coerce=int, initial=90)
    programme = forms.ModelChoiceField(
        label=_("Alleen voor programma"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Alle programma's waar ik bij hoor"),
        help_text=_("Een sleutel voor één programma ziet niets van andere programma's."),
    )

    def __init__(self, *args, programme_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=programme_ids).order_by(
            "name"
        )
        self.fields["days"].choices = [
            (days, label) for days, label in DAY_CHOICES if days <= settings.API_TOKEN_MAX_DAYS
        ]


class WebhookForm(Form):
    url = forms.URLField(
        label=_("Adres (URL) van de ontvanger"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Leerkring stuurt elke gebeurtenis met een POST naar dit adres."),
    )
    events = forms.MultipleChoiceField(
        label=_("Gebeurtenissen"),
        choices=WebhookSubscription.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Actief"), required=False, initial=True)
