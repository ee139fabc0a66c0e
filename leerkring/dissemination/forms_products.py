"""Forms of products, the catalogue and the knowledge view: input checks and Dutch messages.
The rules themselves (life cycle, file checks, who stands behind a product) live in
`services` and `uploads`; these forms only shape the input."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Organisation, Programme
from leerkring.communities.selectors import community_choices
from leerkring.core.forms import Form, guard_confirm_field
from leerkring.meetings.topics import TopicCategory

from .models import Dissemination, Product
from .selectors import knowledge_communities
from .uploads import MAX_UPLOAD_BYTES, allowed_types_text


class ProductForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort product"), choices=Product.Kind.choices)
    summary = forms.CharField(
        label=_("Samenvatting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Waar gaat het over en voor wie is het? Je kunt Markdown gebruiken."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Product.Status.choices if c[0] != Product.Status.DISSEMINATED],
        initial=Product.Status.IDEA,
        help_text=_("‘Verspreid’ kies je later, als je vastlegt waar het product gedeeld is."),
    )
    scope = forms.ChoiceField(
        label=_("Reikwijdte"), choices=Product.Scope.choices, widget=forms.RadioSelect
    )
    topic_category = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        required=False,
        choices=[("", _("Geen"))] + list(TopicCategory.choices),
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Gemeenschappen achter dit product"),
        queryset=Community.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Alleen gemeenschappen uit hetzelfde programma. Kies er meer met Ctrl of ⌘."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisaties achter dit product"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("De organisaties van de leden. Kies er meer met Ctrl of ⌘."),
    )
    shareable = forms.BooleanField(
        label=_("Zichtbaar voor het hele programma"),
        required=False,
        help_text=_(
            "Dan zien de leden van alle gemeenschappen van het programma dit product in de "
            "catalogus en het kennisoverzicht. Anders blijft het binnen de gemeenschappen "
            "hierboven."
        ),
    )
    guard_confirmed = guard_confirm_field()

    def __init__(
        self,
        *args,
        programme: Programme,
        organisations: QuerySet[Organisation],
        with_status: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = programme.communities.order_by("name")
        self.fields["organisations"].queryset = organisations.order_by("name")
        if not with_status:
            # An existing product changes status one step at a time on its own page.
            del self.fields["status"]

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        return {
            "title": product.title,
            "kind": product.kind,
            "summary": product.summary,
            "scope": product.scope,
            "topic_category": product.topic_category,
            "communities": list(product.communities.all()),
            "organisations": list(product.organisations.all()),
            "shareable": product.shareable,
        }


class ProductStatusForm(Form):
    status = forms.ChoiceField(label=_("Nieuwe status"), choices=Product.Status.choices)


class ProductFileForm(Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("%(types)s; hoogstens %(mb)s MB.")
        % {"types": allowed_types_text(), "mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        error_messages={
            "required": _("Kies een bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Er is geen bestand ontvangen. Probeer het nog eens."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt"


class ProductLinkForm(Form):
    url = forms.URLField(
        label=_("Webadres"),
        assume_scheme="https",
        error_messages={"invalid": _("Geef een geldig webadres, bijvoorbeeld https://...")},
    )
    title = forms.CharField(label=_("Omschrijving"), max_length=200, required=False)


class DisseminationForm(Form):
    channel = forms.ChoiceField(label=_("Waar gedeeld"), choices=Dissemination.Channel.choices)
    shared_on = forms.DateField(
        label=_("Wanneer"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Geef een datum, bijvoorbeeld 15-03-2025.")},
    )
    description = forms.CharField(label=_("Toelichting"), max_length=300, required=False)
    beyond_community = forms.BooleanField(
        label=_("Gebruikt buiten de gemeenschap"),
        required=False,
        initial=True,
        help_text=_("Telt mee als impact in de rapportage."),
    )


class CatalogueFilterForm(Form):
    """GET filters. On the page a value that is not valid is named next to its field and left
    out; the API (`api=True`) refuses the request with the same message."""

    q = forms.CharField(label=_("Zoek op titel"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Soort"), required=False, choices=[("", _("Alle"))] + list(Product.Kind.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle"))] + list(Product.Status.choices),
    )
    scope = forms.ChoiceField(
        label=_("Reikwijdte"),
        required=False,
        choices=[("", _("Alle"))] + list(Product.Scope.choices),
    )
    topic = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        required=False,
        choices=[("", _("Alle"))] + list(TopicCategory.choices),
    )
    community = forms.ModelChoiceField(
        label=_("Gemeenschap"),
        required=False,
        queryset=Community.objects.none(),
        empty_label=_("Alle"),
        error_messages={
            # One message for another programme's community and for one that does not exist:
            # the page must not tell them apart (DESIGN.md §2).
            "invalid_choice": _(
                "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer."
            ),
        },
    )
    community_q = forms.CharField(
        label=_("Gemeenschap zoeken"),
        required=False,
        max_length=100,
        help_text=_("Zoek op (een deel van) de naam van de gemeenschap."),
    )

    def __init__(self, *args, programme: Programme, api: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Not `programme.communities`: the related manager sets each row's programme, which
        # reads the deferred programme_id and costs a query per community.
        communities = Community.objects.filter(programme=programme).only("pk", "name")
        field = self.fields["community"]
        field.queryset = communities  # a chosen community is looked up by key
        # A list to choose from while it is short, a search on the name above that (as on the
        # venster and the survey results); a community chosen by a link (`?community=`) is
        # still offered, chosen, and filters.
        chosen = self.data.get("community") if self.is_bound else None
        choices = community_choices(communities, chosen=chosen)
        self.community_search = choices.searchable
        if choices.searchable and not choices.asked:
            field.widget = forms.HiddenInput()
        field.choices = [("", field.empty_label)] + choices.offered
        if not api:
            field.error_messages["invalid_choice"] = _(
                "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer. Je ziet "
                "nu de producten van alle gemeenschappen."
            )

    def filters(self) -> dict:
        if not self.is_valid():
            return {
                name: value
                for name, value in self.cleaned_data.items()
                if name not in self.errors and value
            }
        return {name: value for name, value in self.cleaned_data.items() if value}


KNOWLEDGE_COMMUNITY_REFUSED = _(
    "Deze gemeenschap kun je hier niet kiezen. De keuze voor een gemeenschap is weggelaten."
)


class KnowledgeFilterForm(Form):
    topic = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        required=False,
        choices=[("", _("Alle"))] + list(TopicCategory.choices),
        help_text=_("Gemeenschappen die dit het afgelopen halfjaar op de agenda hadden."),
    )
    # A link's filter (`?community=`, from "works on the same topic"), not a list to choose
    # from: hidden until a community is asked for, then a choice between it and all of them.
    community = forms.IntegerField(
        label=_("Gemeenschap"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": KNOWLEDGE_COMMUNITY_REFUSED},
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        """Only a community the page lists may be chosen (`selectors.knowledge_communities`:
        the programme's, not ended). Any other id — another programme's community, an ended
        one, one that does not exist, no number at all — gets one message, and the page shows
        every community: nothing tells those apart (DESIGN.md §2). One query, and only when a
        community is asked for."""
        super().__init__(*args, **kwargs)
        self.community_choice = None
        asked = self.data.get("community") if self.is_bound else None
        if asked in (None, ""):
            return
        listed = knowledge_communities(programme=programme)
        self.community_choice = community_choices(listed, chosen=asked)
        chosen = self.community_choice.chosen
        field = self.fields["community"]
        field.widget = forms.Select(
            choices=[("", _("Alle gemeenschappen")), *([chosen] if chosen else [])],
            attrs={"class": "utrecht-select"},
        )

    def clean_community(self):
        value = self.cleaned_data.get("community")
        if value is not None and self.community_choice and self.community_choice.refused:
            raise forms.ValidationError(KNOWLEDGE_COMMUNITY_REFUSED, code="invalid_choice")
        return value

    def filters(self) -> dict:
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors and value
        }
