"""Forms of the public knowledge base: proposing, deciding, and the public search. The rules
themselves live in `services`; these forms shape the input and speak Dutch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form
from leerkring.dissemination.models import ProductFile

from . import selectors

CONFIRM_LABEL = _("Ik heb de tekst nagekeken: er staan geen persoonsgegevens in.")


class ProposeForm(Form):
    title = forms.CharField(label=_("Titel voor bezoekers"), max_length=200)
    body = forms.CharField(
        label=_("Tekst voor bezoekers"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Dit is wat iedereen zonder account leest. Schrijf het zo dat een collega buiten "
            "het programma het begrijpt, zonder namen van deelnemers of inburgeraars. Je kunt "
            "Markdown gebruiken."
        ),
    )
    files = forms.ModelMultipleChoiceField(
        label=_("Bestanden die openbaar mogen"),
        queryset=ProductFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is None:
            del self.fields["files"]
        else:
            self.fields["files"].queryset = ProductFile.objects.filter(product=product).order_by(
                "uploaded_at", "pk"
            )
            self.fields["files"].label_from_instance = lambda f: f.original_name


class ApproveForm(Form):
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Waarom niet?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De communitytrekker of procesbegeleider die het voorstelde leest dit."),
    )


class PublicSearchForm(Form):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=200)
    topic = forms.ChoiceField(label=_("Onderwerp"), required=False)
    kind = forms.ChoiceField(label=_("Soort"), required=False)
    region = forms.ChoiceField(label=_("Regio"), required=False)
    year = forms.TypedChoiceField(label=_("Jaar"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, options: selectors.FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["topic"].choices = everything + selectors.topic_choices()
        self.fields["kind"].choices = everything + selectors.kind_choices()
        self.fields["region"].choices = everything + [(r, r) for r in options.regions]
        self.fields["year"].choices = everything + [(str(y), str(y)) for y in options.years]

    def filters(self) -> dict:
        """The valid filters only: a stale region in a bookmarked link shows everything."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("q", "topic", "kind", "region", "year")
            if name in data and name not in self.errors and data[name]
        }
