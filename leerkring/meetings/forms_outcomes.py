"""Forms of the wrap-up (lessons, agreements, signals), the minutes, agreement status and the
threads between meetings. Rules that need the database (is the owner a member?) are checked
again in the services; the forms give the Dutch message next to the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Membership
from leerkring.core.forms import Form, ModelForm, guard_confirm_field

from .models import Agreement, Lesson, Meeting, ThreadNotificationPreference
from .topics import SolutionLevel, TopicCategory, subtopic_choices

OWNER_NOT_MEMBER = _("Kies iemand die nu lid is van deze gemeenschap.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LessonForm(ModelForm):
    guard_confirmed = guard_confirm_field()

    class Meta:
        model = Lesson
        fields = ["text", "learning_order", "influence_level", "shareable"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "learning_order": forms.RadioSelect,
            "influence_level": forms.RadioSelect,
        }
        help_texts = {
            "learning_order": _(
                "Eerste orde: we doen wat we deden beter. Tweede orde: we kijken anders naar "
                "het probleem of de aanpak."
            ),
            "shareable": _(
                "Gedeelde leerpunten ziet het landelijk coördinatiepunt, bijvoorbeeld voor de "
                "nieuwsbrief. Wat niet gedeeld wordt, blijft binnen de gemeenschap."
            ),
        }


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        if obj.organisation_id:
            return f"{obj.person.full_name} ({obj.organisation.name})"
        return obj.person.full_name


class AgreementForm(ModelForm):
    """A new or changed agreement. The owner must be a current member of the community: a
    tampered id gets the same clear message as a stale one."""

    owner = OwnerChoiceField(
        label=_("Wie pakt het op"),
        queryset=Membership.objects.none(),
        error_messages={"invalid_choice": OWNER_NOT_MEMBER, "required": OWNER_NOT_MEMBER},
    )

    class Meta:
        model = Agreement
        fields = ["text", "owner", "due_date", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput}
        labels = {"due_date": _("Uiterlijk klaar op")}

    def __init__(self, *args, community: Community, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None and self.instance.pk is None:
            # The model's own check (due date not before the meeting) then runs here too, so
            # its message sits next to the field.
            self.instance.meeting = meeting
        self.fields["owner"].queryset = (
            Membership.objects.active()
            .filter(community=community)
            .select_related("person", "organisation")
            .order_by("person__full_name")
        )
        if self.instance.pk is None:
            # A new agreement is open; its status is changed later, with history.
            del self.fields["status"]


class AgreementStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Agreement.Status.choices)


class SignalForm(Form):
    """A signal as the wrap-up records it (the venster adds its lifecycle later)."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Een signaal gaat buiten de gemeenschap. Noem geen namen of andere gegevens van "
            "inburgeraars."
        ),
    )
    topic_category = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        choices=[("", _("Kies een categorie"))] + list(TopicCategory.choices),
        required=False,
    )
    subtopic = forms.ChoiceField(label=_("Onderwerp"), choices=subtopic_choices, required=False)
    solution_level = forms.ChoiceField(
        label=_("Niveau van oplossing"),
        choices=SolutionLevel.choices,
        initial=SolutionLevel.LOCAL,
        widget=forms.RadioSelect,
        help_text=_("Waar kan dit worden opgelost?"),
    )


class MinutesForm(Form):
    minutes = forms.CharField(
        label=_("Verslag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Opmaak met Markdown: # Kop, ## Subkop, - opsomming, 1. genummerd, **vet**, "
            "*schuin*. Bekijk het resultaat met ‘Voorbeeld tonen’."
        ),
    )


class ThreadStartForm(Form):
    title = forms.CharField(label=_("Onderwerp"), max_length=200)
    body = forms.CharField(
        label=_("Bericht"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Opmaak met Markdown kan: **vet**, *schuin*, - opsomming."),
    )


class MessageForm(Form):
    body = forms.CharField(
        label=_("Je reactie"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Opmaak met Markdown kan: **vet**, *schuin*, - opsomming."),
    )


class ThreadNotificationForm(Form):
    mode = forms.ChoiceField(
        label=_("E-mail over nieuwe berichten"),
        choices=ThreadNotificationPreference.Mode.choices,
        widget=forms.RadioSelect,
    )
