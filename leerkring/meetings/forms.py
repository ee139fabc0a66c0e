"""Forms for planning meetings and building agendas. Dutch messages stand next to the field
they are about; the services check the same rules again, so other callers get them too."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Person
from leerkring.core.forms import Form

from .models import AgendaItem, Guest, Meeting
from .topics import SUBTOPICS, TopicCategory
from .workdays import MAX_SERIES_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """Members meet in the Netherlands: times are entered and shown in Europe/Amsterdam."""
    return timezone.make_aware(
        datetime.datetime.combine(day, time), timezone.get_default_timezone()
    )


def _require_link(form: Form, cleaned: dict) -> None:
    online = cleaned.get("format") in (Meeting.Format.ONLINE, Meeting.Format.HYBRID)
    if online and not cleaned.get("online_url") and "online_url" not in form.errors:
        form.add_error("online_url", _("Geef een link voor online deelname."))


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ServiceErrorsMixin:
    """Services speak of `starts_at`/`ends_at`; these forms ask for a date and two times."""

    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "end_time"}

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {self.SERVICE_FIELDS.get(k, k): v for k, v in error.error_dict.items()}
            )
        super().add_service_errors(error)


class MeetingForm(ServiceErrorsMixin, Form):
    """One meeting: planned ahead, or recorded after it was held."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=150,
        required=False,
        help_text=_("Niet verplicht, bijvoorbeeld het thema van de bijeenkomst."),
    )
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Begintijd"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Eindtijd"), widget=TimeInput())
    format = forms.ChoiceField(
        label=_("Vorm"),
        choices=Meeting.Format.choices,
        initial=Meeting.Format.PHYSICAL,
        widget=forms.RadioSelect,
    )
    online_url = forms.URLField(
        label=_("Link voor online deelname"),
        required=False,
        assume_scheme="https",
        help_text=_("Verplicht bij een online of hybride bijeenkomst."),
    )
    place = forms.CharField(label=_("Locatie"), max_length=150, required=False)
    address = forms.CharField(label=_("Adres"), max_length=250, required=False)
    host_organisation = OrganisationChoiceField(
        label=_("Gastorganisatie"),
        queryset=None,
        required=False,
        empty_label=_("Nog niet bekend"),
        help_text=_(
            "Voorgesteld: de organisatie die het langst geleden gastheer was. "
            "Je kunt een andere kiezen."
        ),
    )
    case_organisation = OrganisationChoiceField(
        label=_("Casus ingebracht door"),
        queryset=None,
        required=False,
        empty_label=_("Geen casus"),
        help_text=_("Voorgesteld: de organisatie die het langst geleden een casus inbracht."),
    )
    case_title = forms.CharField(label=_("Casus"), max_length=200, required=False)
    already_held = forms.BooleanField(
        label=_("Bijeenkomst al gehouden"),
        required=False,
        help_text=_("Vink aan om een bijeenkomst vast te leggen die al heeft plaatsgevonden."),
    )

    def __init__(
        self,
        *args: Any,
        organisations,
        case_rotation: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = organisations
        if case_rotation:
            self.fields["case_organisation"].queryset = organisations
        else:
            del self.fields["case_organisation"]
            del self.fields["case_title"]

    def clean(self) -> dict:
        cleaned = super().clean()
        day, start, end = (cleaned.get(k) for k in ("date", "start_time", "end_time"))
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("De eindtijd ligt niet na de begintijd."))
            else:
                cleaned["starts_at"] = local_datetime(day, start)
                cleaned["ends_at"] = local_datetime(day, end)
        _require_link(self, cleaned)
        return cleaned

    def meeting_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "starts_at",
                "ends_at",
                "format",
                "online_url",
                "place",
                "address",
                "host_organisation",
                "case_organisation",
                "case_title",
            )
            if name in data
        }
        if fields.get("format") == Meeting.Format.PHYSICAL:
            fields["online_url"] = ""
        return fields


class MeetingEditForm(MeetingForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=Meeting.Status.choices, widget=forms.RadioSelect
    )
    cancel_reason = forms.CharField(
        label=_("Reden van afgelasten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht als de bijeenkomst niet doorgaat."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["already_held"]

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        starts = timezone.localtime(meeting.starts_at)
        ends = timezone.localtime(meeting.ends_at)
        return {
            "title": meeting.title,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "format": meeting.format,
            "online_url": meeting.online_url,
            "place": meeting.place,
            "address": meeting.address,
            "host_organisation": meeting.host_organisation_id,
            "case_organisation": meeting.case_organisation_id,
            "case_title": meeting.case_title,
            "status": meeting.status,
            "cancel_reason": meeting.cancel_reason,
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == Meeting.Status.CANCELLED
            and not (cleaned.get("cancel_reason") or "").strip()
        ):
            self.add_error("cancel_reason", _("Geef een reden voor het afgelasten."))
        return cleaned

    def meeting_fields(self) -> dict[str, Any]:
        fields = super().meeting_fields()
        fields["status"] = self.cleaned_data["status"]
        fields["cancel_reason"] = self.cleaned_data.get("cancel_reason", "")
        return fields


# Series ------------------------------------------------------------------------------


class SeriesForm(ServiceErrorsMixin, Form):
    """What all meetings of a series share. The dates themselves are proposed from it and
    checked one by one in `SeriesDateForm`."""

    SERVICE_FIELDS = {"starts_at": "first_date", "ends_at": "end_time"}

    first_date = forms.DateField(label=_("Eerste datum"), widget=DateInput())
    count = forms.IntegerField(
        label=_("Aantal bijeenkomsten"),
        required=False,
        min_value=1,
        max_value=MAX_SERIES_LENGTH,
        help_text=_("Vul een aantal in, of een einddatum."),
    )
    until = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=DateInput(),
        help_text=_("Bijeenkomsten tot en met deze datum."),
    )
    start_time = forms.TimeField(label=_("Begintijd"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Eindtijd"), widget=TimeInput())
    format = MeetingForm.base_fields["format"]
    online_url = MeetingForm.base_fields["online_url"]
    place = MeetingForm.base_fields["place"]
    address = MeetingForm.base_fields["address"]

    def clean(self) -> dict:
        cleaned = super().clean()
        first, count, until = (cleaned.get(k) for k in ("first_date", "count", "until"))
        if first and first < timezone.localdate():
            self.add_error(
                "first_date",
                _(
                    "Deze datum ligt in het verleden. Een reeks plan je vooruit; een gehouden "
                    "bijeenkomst leg je vast via “Bijeenkomst plannen”."
                ),
            )
        if count is None and until is None and "count" not in self.errors:
            self.add_error("count", _("Vul een aantal bijeenkomsten of een einddatum in."))
        if first and until and until < first:
            self.add_error("until", _("De einddatum ligt vóór de eerste datum."))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("De eindtijd ligt niet na de begintijd."))
        _require_link(self, cleaned)
        return cleaned


class SeriesDateForm(ServiceErrorsMixin, Form):
    """One proposed meeting of a series on the preview: its date can be moved, its host and
    case-bringer changed, or the meeting left out."""

    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "date"}

    scheduled = forms.DateField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    host_organisation = OrganisationChoiceField(
        label=_("Gastorganisatie"), queryset=None, required=False, empty_label=_("Nog niet bekend")
    )
    case_organisation = OrganisationChoiceField(
        label=_("Casus ingebracht door"), queryset=None, required=False, empty_label=_("Geen casus")
    )

    def __init__(self, *args: Any, organisations, case_rotation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = organisations
        if case_rotation:
            self.fields["case_organisation"].queryset = organisations
        else:
            del self.fields["case_organisation"]

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise ValidationError(_("Deze datum ligt in het verleden."))
        return day


class BaseSeriesDateFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[datetime.date, int] = {}
        kept = 0
        for number, form in enumerate(self.forms, start=1):
            if self.can_delete and self._should_delete_form(form):
                continue
            kept += 1
            day = form.cleaned_data.get("date")
            if day in seen:
                form.add_error(
                    "date",
                    _("Deze datum staat al bij bijeenkomst %(number)s.") % {"number": seen[day]},
                )
            elif day:
                seen[day] = number
        if kept == 0:
            raise ValidationError(_("Laat minstens één bijeenkomst staan."))


SeriesDateFormSet = formset_factory(
    SeriesDateForm,
    formset=BaseSeriesDateFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_SERIES_LENGTH,
    validate_max=True,
)


# Agenda ------------------------------------------------------------------------------


def _msgid(text) -> str:
    """The Dutch text of a lazily translated subtopic, so what is stored does not depend on
    the language of whoever picked it."""
    with translation.override(None):
        return str(text)


def subtopic_choices() -> list:
    choices: list = [("", _("Kies een onderwerp"))]
    for category in TopicCategory:
        choices.append((category.label, [(_msgid(s), s) for s in SUBTOPICS.get(category, [])]))
    return choices


def subtopic_category(subtopic: str) -> str | None:
    for category, subtopics in SUBTOPICS.items():
        if subtopic in {_msgid(s) for s in subtopics}:
            return str(category)
    return None


class AgendaItemForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    work_form = forms.ModelChoiceField(
        label=_("Werkvorm"), queryset=None, required=False, empty_label=_("Geen werkvorm")
    )
    topic_category = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        choices=[("", _("Geen categorie")), *TopicCategory.choices],
        required=False,
        help_text=_("Wordt ingevuld als je hieronder een onderwerp uit de lijst kiest."),
    )
    subtopic = forms.ChoiceField(label=_("Onderwerp uit de lijst"), required=False)
    free_topic = forms.CharField(
        label=_("Of een eigen onderwerp"),
        max_length=150,
        required=False,
        help_text=_("Als het onderwerp niet in de lijst staat."),
    )
    minutes = forms.IntegerField(label=_("Minuten"), min_value=1, max_value=600, initial=30)
    led_by = forms.CharField(
        label=_("Wie leidt dit"),
        max_length=150,
        required=False,
        help_text=_("Bijvoorbeeld de procesbegeleider, een deelnemer of een gastspreker."),
    )
    perspective = forms.ChoiceField(
        label=_("Perspectief van de inburgeraar"),
        choices=AgendaItem.Perspective.choices,
        required=False,
        help_text=_("Brengt dit punt het perspectief van de inburgeraar in, en hoe?"),
    )
    description = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, work_forms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_form"].queryset = work_forms
        self.fields["subtopic"].choices = subtopic_choices()

    @classmethod
    def initial_for(cls, item: AgendaItem) -> dict[str, Any]:
        listed = subtopic_category(item.subtopic) is not None
        return {
            "title": item.title,
            "work_form": item.work_form_id,
            "topic_category": item.topic_category,
            "subtopic": item.subtopic if listed else "",
            "free_topic": "" if listed else item.subtopic,
            "minutes": item.minutes,
            "led_by": item.led_by,
            "perspective": item.perspective,
            "description": item.description,
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        subtopic = cleaned.get("subtopic") or ""
        free = (cleaned.get("free_topic") or "").strip()
        if subtopic and free:
            self.add_error(
                "free_topic",
                _("Kies een onderwerp uit de lijst óf typ een eigen onderwerp, niet allebei."),
            )
        elif subtopic:
            category = subtopic_category(subtopic)
            chosen = cleaned.get("topic_category")
            if chosen and chosen != category:
                self.add_error(
                    "subtopic",
                    _("Dit onderwerp hoort bij de categorie “%(category)s”.")
                    % {"category": TopicCategory(category).label},
                )
            cleaned["topic_category"] = category
        return cleaned

    def item_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "work_form": data.get("work_form"),
            "topic_category": data.get("topic_category") or "",
            "subtopic": data.get("subtopic") or (data.get("free_topic") or "").strip(),
            "minutes": data["minutes"],
            "led_by": data.get("led_by", "").strip(),
            "perspective": data.get("perspective") or "",
            "description": data.get("description", "").strip(),
        }


class GuestForm(Form):
    name = forms.CharField(label=_("Naam"), max_length=150)
    role = forms.ChoiceField(label=_("Rol"), choices=Guest.Role.choices, initial=Guest.Role.GUEST)
    organisation_name = forms.CharField(label=_("Organisatie"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "guest")
        super().__init__(*args, **kwargs)


class WorkFormForm(Form):
    name = forms.CharField(label=_("Naam van de werkvorm"), max_length=100)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hoe werkt het? Andere gemeenschappen in het programma zien dit ook."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "workform")
        super().__init__(*args, **kwargs)


class MeetingObservationForm(Form):
    """Whether the programme's evaluators may observe this meeting (report Bijlage 4)."""

    open_to_observation = forms.BooleanField(
        label=_("Alle onderzoekers van het programma mogen deze bijeenkomst observeren"),
        required=False,
    )
    observers = forms.ModelMultipleChoiceField(
        label=_("Uitgenodigd als observator"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Een observator ziet wat in de ruimte gebeurt: de agenda en het aantal "
            "aanwezigen. Het verslag, de namen en de gesprekken blijven in de gemeenschap."
        ),
        error_messages={"invalid_choice": _("Kies alleen onderzoekers uit de lijst.")},
    )

    def __init__(self, *args: Any, evaluators: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observers"].queryset = Person.objects.filter(
            pk__in=[person.pk for person in evaluators]
        ).order_by("full_name", "pk")
