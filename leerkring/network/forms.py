"""Forms of the networks of leads and facilitators; Dutch messages next to their field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Person, Programme
from leerkring.core.forms import Form
from leerkring.dissemination.uploads import MAX_UPLOAD_BYTES, allowed_types_text

from .models import NetworkNotification


class NetworkForm(Form):
    name = forms.CharField(label=_("Naam"), max_length=150)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarvoor is dit netwerk? De leden lezen dit bovenaan."),
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programma's"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Trekkers en begeleiders van alle gemeenschappen van deze programma's zijn lid."
        ),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = programmes
        self.fields["programmes"].label_from_instance = lambda p: p.name


class DocumentForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    description = forms.CharField(label=_("Toelichting"), max_length=300, required=False)
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("%(types)s; hoogstens %(size)s MB.")
        % {"types": allowed_types_text(), "size": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


class InviteForm(Form):
    person = forms.ModelChoiceField(
        label=_("Wie?"),
        queryset=Person.objects.none(),
        help_text=_("Coördinatoren en onderzoekers van het programma. Zij lezen daarna alles mee."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: p.full_name


class NotificationForm(Form):
    mode = forms.ChoiceField(
        label=_("E-mail over nieuwe berichten"),
        choices=NetworkNotification.Mode.choices,
        widget=forms.RadioSelect,
    )
