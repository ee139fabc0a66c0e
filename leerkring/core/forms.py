"""Form styling shared by every app: NL Design System classes and error/help links."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The confirmation box of the personal-data guard (`core.guard`): every form whose text leaves
# a community carries it under this name, and a refusal of the guard is shown next to it.
GUARD_CONFIRM_FIELD = "guard_confirmed"


def guard_confirm_field() -> forms.BooleanField:
    """The box that acknowledges the guard's warning; only needed when it found something."""
    return forms.BooleanField(
        label=_("Ik heb de tekst nagekeken: er staan geen persoonsgegevens in."),
        required=False,
        help_text=_("Alleen nodig als de controle op persoonsgegevens iets gevonden heeft."),
    )


_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea",
    forms.Select: "utrecht-select",
    forms.SelectMultiple: "utrecht-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
}


class StyledFormMixin:
    """Gives every widget its Utrecht class and links it to its help text and error message,
    so screen readers announce both (WCAG 1.3.1, 3.3.1)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (c for cls, c in _WIDGET_CLASSES.items() if isinstance(widget, cls)),
                "utrecht-textbox utrecht-textbox--html-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
                css = field.widget.attrs.get("class", "")
                if "--invalid" not in css:
                    base = css.split(" ")[0]
                    field.widget.attrs["class"] = f"{css} {base}--invalid"
            if ids and not isinstance(
                field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError next to the fields it names (or on top). The
        personal-data guard's refusal (`core.guard.PersonalDataFound`) goes next to the
        confirmation box, and its findings stay on the form for `partials/guard_findings.html`."""
        if getattr(error, "findings", None):
            self.guard_findings = error.findings
            self.guard_texts = [
                (self.fields[name].label if name in self.fields else name, html)
                for name, html in getattr(error, "highlighted", {}).items()
            ]
            target = GUARD_CONFIRM_FIELD if GUARD_CONFIRM_FIELD in self.fields else None
            self.add_error(target, error.messages)
        elif hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)
        self.full_clean_aria()

    def full_clean_aria(self) -> None:
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    ids = [f"{bound.auto_id}_error"]
                    if self.fields[name].help_text:
                        ids.insert(0, f"{bound.auto_id}_helptext")
                    widget.attrs["aria-describedby"] = " ".join(ids)


class Form(StyledFormMixin, forms.Form):
    pass


class ModelForm(StyledFormMixin, forms.ModelForm):
    pass
