"""Forms of programme events. Dutch messages stand next to their field; the services check the
rules again, so other callers (the API) meet them too."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community
from leerkring.core.forms import Form
from leerkring.dissemination.models import Product
from leerkring.meetings.forms import DateInput, TimeInput, local_datetime
from leerkring.meetings.models import Lesson

from .models import Event, Registration

HONEYPOT_FIELD = "website"
CONFIRM_LABEL = _("Ik heb de tekst nagekeken: er staan geen persoonsgegevens in.")


def same_weekday_next_month(day: datetime.date) -> datetime.date:
    """The same weekday in the same week of the next month (the fifth becomes the last)."""
    week = (day.day - 1) // 7
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    first = datetime.date(year, month, 1)
    offset = (day.weekday() - first.weekday()) % 7
    candidate = first + datetime.timedelta(days=offset + 7 * week)
    while candidate.month != month:
        candidate -= datetime.timedelta(days=7)
    return candidate


class EventForm(Form):
    """An event of the programme (coordinators), or a joint session (leads; without `kind`,
    with the partner communities)."""

    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "end_time"}

    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=[c for c in Event.Kind.choices if c[0] != Event.Kind.JOINT_SESSION],
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Samen met"),
        queryset=Community.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Hun communitytrekker of procesbegeleider krijgt de vraag of ze meedoen. Kies er "
            "meer met Ctrl of ⌘."
        ),
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Waar gaat het over, voor wie is het en wat levert het op? Je kunt Markdown "
            "gebruiken. Bij een activiteit voor iedereen staat dit op de openbare pagina."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Voor wie"), choices=Event.Audience.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Begintijd"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Eindtijd"), widget=TimeInput())
    format = forms.ChoiceField(
        label=_("Vorm"), choices=Event.Format.choices, widget=forms.RadioSelect
    )
    online_url = forms.URLField(
        label=_("Link om online deel te nemen"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Alleen wie een plek heeft, krijgt deze link; hij staat op geen enkele pagina."
        ),
    )
    place = forms.CharField(label=_("Locatie"), max_length=200, required=False)
    address = forms.CharField(label=_("Adres"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Aantal plaatsen"),
        required=False,
        min_value=1,
        help_text=_("Leeg: geen grens. Is het vol, dan komen nieuwe aanmelders op de wachtlijst."),
    )
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args: Any, partners=None, joint: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if joint:
            del self.fields["kind"]
            self.fields["partners"].queryset = partners
            self.fields["partners"].label_from_instance = lambda c: c.name
        else:
            del self.fields["partners"]

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        starts = timezone.localtime(event.starts_at)
        ends = timezone.localtime(event.ends_at)
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "audience": event.audience,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "format": event.format,
            "online_url": event.online_url,
            "place": event.place,
            "address": event.address,
            "capacity": event.capacity,
        }

    @classmethod
    def initial_for_next(cls, event: Event) -> dict[str, Any]:
        """The next session of a monthly series (report §3.2.4: a knowledge session every
        month): the same plan on the same weekday of the next month — the second Tuesday
        stays the second Tuesday."""
        initial = cls.initial_for(event)
        initial["date"] = same_weekday_next_month(initial["date"])
        return initial

    def clean(self) -> dict:
        cleaned = super().clean()
        day, start, end = (cleaned.get(k) for k in ("date", "start_time", "end_time"))
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("De eindtijd ligt niet na de begintijd."))
            else:
                cleaned["starts_at"] = local_datetime(day, start)
                cleaned["ends_at"] = local_datetime(day, end)
        online = cleaned.get("format") in (Event.Format.ONLINE, Event.Format.HYBRID)
        if online and not cleaned.get("online_url") and "online_url" not in self.errors:
            self.add_error("online_url", _("Geef een link om online deel te nemen."))
        return cleaned

    def event_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("kind", "title", "description", "audience", "format", "online_url", "place",
                 "address", "capacity", "starts_at", "ends_at")  # fmt: skip
        return {name: data[name] for name in names if name in data}

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {self.SERVICE_FIELDS.get(k, k): v for k, v in error.error_dict.items()}
            )
        super().add_service_errors(error)


class AnnounceForm(Form):
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Waarom gaat het niet door?"),
        max_length=300,
        help_text=_("Iedereen die zich aanmeldde, krijgt dit in een e-mail."),
    )


class PublicRegistrationForm(Form):
    name = forms.CharField(
        label=_("Naam"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Je krijgt eerst een e-mail om je aanmelding te bevestigen."),
    )
    organisation = forms.CharField(
        label=_("Organisatie"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


class AttendanceForm(Form):
    extra_attendance = forms.IntegerField(
        label=_("Deelnemers zonder aanmelding"),
        min_value=0,
        initial=0,
        help_text=_("Bijvoorbeeld wie online meekeek of zonder aanmelding binnenliep."),
    )


class WrapUpForm(Form):
    summary = forms.CharField(
        label=_("Verslag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Wat kwam er aan bod en wat namen de deelnemers mee? Je kunt Markdown gebruiken."
        ),
    )
    lessons = forms.ModelMultipleChoiceField(
        label=_("Gepresenteerde leerpunten"),
        queryset=Lesson.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Gedeelde leerpunten uit het programma. Kies er meer met Ctrl of ⌘."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Gepresenteerde producten"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Gedeelde producten uit het programma. Kies er meer met Ctrl of ⌘."),
    )

    recording_url = forms.URLField(
        label=_("Link naar de opname"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "De opname wordt een product van het programma, dat iedereen in het programma kan "
            "vinden en doorgeven. Bij een activiteit voor iedereen staat de link ook op de "
            "openbare pagina."
        ),
    )
    recording_title = forms.CharField(
        label=_("Titel van de opname"),
        max_length=200,
        required=False,
        help_text=_("Leeg: ‘Opname:’ en de titel van de activiteit."),
    )
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(
        self,
        *args: Any,
        lessons,
        products,
        has_recording: bool = False,
        public: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if has_recording:
            del self.fields["recording_url"]
            del self.fields["recording_title"]
        if not public:
            del self.fields["confirmed"]
        self.fields["lessons"].queryset = lessons
        self.fields["lessons"].label_from_instance = lambda lesson: (
            f"{lesson.community.name}: {lesson.text[:90]}"
        )
        self.fields["products"].queryset = products
        self.fields["products"].label_from_instance = lambda product: product.title


def _valid_filters(form: Form, names: tuple[str, ...]) -> dict[str, Any]:
    """The filled-in fields among `names` that are valid; an invalid one is left out."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {
        name: data[name]
        for name in names
        if name in data and name not in form.errors and data[name]
    }


class PublicEventSearchForm(Form):
    """The public list of open events: a word, the kind, the year."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Soort"), required=False)
    year = forms.TypedChoiceField(label=_("Jaar"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["kind"].choices = everything + list(Event.Kind.choices)
        self.fields["year"].choices = everything + [(str(y), str(y)) for y in years]

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a stale year in a bookmarked link shows everything."""
        return _valid_filters(self, ("q", "kind", "year"))


class RegistrationSearchForm(Form):
    """The organisers' list of registrations: a name or organisation, one status."""

    q = forms.CharField(label=_("Zoek op naam of organisatie"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle"))]
        + [c for c in Registration.Status.choices if c[0] != Registration.Status.PENDING],
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters only: an unknown status in a link shows everything."""
        return _valid_filters(self, ("q", "status"))
