"""Forms of the similar-signal suggestions and the spreadsheet import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from . import excel, lifecycle


class SimilarForm(Form):
    """What is being written; the page asks for look-alikes as the text changes."""

    title = forms.CharField(label=_("Titel"), required=False, max_length=lifecycle.TITLE_MAX)
    q = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    community = forms.IntegerField(required=False, widget=forms.HiddenInput)
    exclude = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MarkKnownForm(Form):
    known_as = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=500)


class UploadForm(Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een Excel-bestand (.xlsx) of CSV-bestand (.csv) van hoogstens 5 MB en 20.000 "
            "regels. De eerste regel bevat de kolomnamen."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MappingForm(Form):
    """Per field: which column of the file holds it."""

    def __init__(self, *args, headings: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(niet in het bestand)"))] + [
            (str(i), heading) for i, heading in enumerate(headings)
        ]
        for name, label in excel.IMPORT_FIELDS:
            guess = initial_mapping.get(name)
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=name in excel.REQUIRED,
                initial="" if guess is None else str(guess),
                error_messages={"required": _("Kies de kolom met dit gegeven.")},
            )
        self.fields["state"].help_text = _(
            "Statussen zoals ‘Nieuw’, ‘In behandeling’ of ‘Opgelost’. Zonder deze kolom "
            "krijgt elk signaal de status ‘Nieuw’."
        )
        self.fields["theme"].help_text = _(
            "Hoofdvraagstukken die nog niet bestaan, worden bij het importeren aangemaakt."
        )
        self.fields["number"].help_text = _(
            "Het nummer dat de export van het venster geeft. Een regel met een nummer werkt dat "
            "signaal bij; een regel zonder nummer wordt een nieuw signaal. Kies ‘niet in het "
            "bestand’ om alle regels als nieuwe signalen in te lezen."
        )
        self.fields["answer"].help_text = _(
            "Een antwoord wordt vastgelegd als terugkoppeling aan de gemeenschap."
        )

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for name, _label in excel.IMPORT_FIELDS:
            column = cleaned.get(name)
            if not column:
                continue
            if column in used:
                self.add_error(name, _("Deze kolom is al gekozen voor een ander gegeven."))
            used[column] = name
        return cleaned

    def mapping(self) -> dict[str, int | None]:
        return {
            name: int(self.cleaned_data[name]) if self.cleaned_data.get(name) else None
            for name, _label in excel.IMPORT_FIELDS
        }
