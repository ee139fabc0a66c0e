"""The signal page: its state, answers, escalations and history, with the actions this visitor
may take in this state — editing and passing on a draft inside the community, and the
coordinator's steps after that. Every action posts to `signalling.lifecycle`; which steps are
offered is read from `lifecycle.TRANSITIONS`, and the lifecycle refuses any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities import permissions as community_permissions

from .. import forms, guard, lifecycle, permissions, selectors
from ..models import Signal

State = Signal.State


def _signal(pk: int) -> Signal:
    return get_object_or_404(selectors.signal_for_page(), pk=pk)


def _visible_signal(request: HttpRequest, pk: int) -> Signal:
    signal = _signal(pk)
    if not permissions.can_view_signal(request.user, signal):
        raise PermissionDenied
    return signal


# --- Coordinator actions -------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One step a coordinator can take on the signal page."""

    key: str
    title: Any
    button: Any
    form: type
    # The state this step leads to (None: a step that does not change the state).
    to_states: tuple[str, ...]
    run: Callable
    done: Any
    needs_signal: bool = False


def _run_triage(signal, by, data):
    return lifecycle.signal_triage(signal=signal, by=by, owner=data["owner"], note=data["note"])


def _run_known(signal, by, data):
    return lifecycle.signal_mark_known(
        signal=signal, by=by, theme=data["theme"], known_as=data["known_as"], note=data["note"]
    )


def _run_back(signal, by, data):
    return lifecycle.signal_back_to_community(
        signal=signal, by=by, answer=data["answer"], guard_confirmed=data["guard_confirmed"]
    )


def _run_escalate(signal, by, data):
    return lifecycle.signal_escalate(
        signal=signal,
        by=by,
        level=data["level"],
        question=data["question"],
        guard_confirmed=data["guard_confirmed"],
    )


def _run_resolve(signal, by, data):
    return lifecycle.signal_resolve(
        signal=signal, by=by, answer=data["answer"], guard_confirmed=data["guard_confirmed"]
    )


def _run_no_follow_up(signal, by, data):
    return lifecycle.signal_close_no_follow_up(
        signal=signal, by=by, reason=data["reason"], guard_confirmed=data["guard_confirmed"]
    )


def _run_owner(signal, by, data):
    return lifecycle.signal_set_owner(signal=signal, by=by, owner=data["owner"])


def _run_theme(signal, by, data):
    return lifecycle.signal_set_theme(signal=signal, by=by, theme=data["theme"])


def _run_redact(signal, by, data):
    return lifecycle.signal_redact(
        signal=signal, by=by, title=data["title"], description=data["description"]
    )


def _run_respond(signal, by, data):
    return lifecycle.signal_respond(
        signal=signal,
        by=by,
        text=data["text"],
        source="coordinator",
        guard_confirmed=data["guard_confirmed"],
    )


ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action(
            "triage",
            gettext_lazy("In behandeling nemen"),
            gettext_lazy("In behandeling nemen"),
            forms.TriageForm,
            (State.IN_PROGRESS,),
            _run_triage,
            gettext_lazy("Het signaal is in behandeling."),
            needs_signal=True,
        ),
        Action(
            "known",
            gettext_lazy("Markeren als bekend"),
            gettext_lazy("Markeren als bekend"),
            forms.KnownForm,
            (State.KNOWN,),
            _run_known,
            gettext_lazy("Het signaal is gemarkeerd als bekend."),
            needs_signal=True,
        ),
        Action(
            "back",
            gettext_lazy("Terug naar de gemeenschap"),
            gettext_lazy("Terugleggen bij de gemeenschap"),
            forms.AnswerForm,
            (State.BACK_TO_COMMUNITY,),
            _run_back,
            gettext_lazy("Het signaal ligt weer bij de gemeenschap; zij krijgt het antwoord."),
        ),
        Action(
            "escalate",
            gettext_lazy("Opschalen"),
            gettext_lazy("Opschalen"),
            forms.EscalateForm,
            (State.ESCALATED_LCC, State.ESCALATED_SYSTEM),
            _run_escalate,
            gettext_lazy("Het signaal is opgeschaald."),
        ),
        Action(
            "resolve",
            gettext_lazy("Afronden als opgelost"),
            gettext_lazy("Afronden"),
            forms.AnswerForm,
            (State.RESOLVED,),
            _run_resolve,
            gettext_lazy("Het signaal is opgelost; de gemeenschap krijgt het antwoord."),
        ),
        Action(
            "no-follow-up",
            gettext_lazy("Afsluiten zonder vervolg"),
            gettext_lazy("Afsluiten zonder vervolg"),
            forms.ReasonForm,
            (State.NO_FOLLOW_UP,),
            _run_no_follow_up,
            gettext_lazy("Het signaal is afgesloten; de gemeenschap krijgt de reden."),
        ),
        Action(
            "respond",
            gettext_lazy("Tussenbericht sturen"),
            gettext_lazy("Versturen"),
            forms.RespondForm,
            (),
            _run_respond,
            gettext_lazy("Het bericht is naar de gemeenschap gestuurd."),
        ),
        Action(
            "owner",
            gettext_lazy("Behandelaar"),
            gettext_lazy("Behandelaar opslaan"),
            forms.OwnerForm,
            (),
            _run_owner,
            gettext_lazy("De behandelaar is opgeslagen."),
            needs_signal=True,
        ),
        Action(
            "theme",
            gettext_lazy("Hoofdvraagstuk"),
            gettext_lazy("Hoofdvraagstuk opslaan"),
            forms.ThemeForm,
            (),
            _run_theme,
            gettext_lazy("Het hoofdvraagstuk is opgeslagen."),
            needs_signal=True,
        ),
        Action(
            "redact",
            gettext_lazy("Persoonsgegevens weghalen"),
            gettext_lazy("Tekst opslaan"),
            forms.RedactForm,
            (),
            _run_redact,
            gettext_lazy("De tekst is aangepast. De geschiedenis bewaart niet wat er stond."),
        ),
    )
}


def _offered(action: Action, signal: Signal) -> bool:
    """Offer a step only when the transition table allows it in this state."""
    if signal.state == State.DRAFT:
        return False
    if action.to_states:
        return bool(set(action.to_states) & lifecycle.allowed_next_states(signal))
    if action.key == "respond":
        return signal.state not in lifecycle.CLOSED_STATES
    return True


def _action_form(action: Action, signal: Signal, data=None):
    kwargs: dict[str, Any] = {"prefix": action.key}
    if action.needs_signal:
        kwargs["signal"] = signal
    if action.key == "escalate":
        allowed = lifecycle.allowed_next_states(signal)
        kwargs["levels"] = [
            level for state, level in lifecycle.ESCALATED_STATES.items() if state in allowed
        ]
    initial = None
    if action.key == "owner":
        initial = {"owner": signal.owner_id}
    elif action.key == "theme":
        initial = {"theme": signal.theme_id}
    elif action.key == "redact":
        initial = {"title": signal.title, "description": signal.description}
    return action.form(data, initial=initial, **kwargs)


def _action_forms(signal: Signal, bound: tuple[str, Any] | None = None) -> list[dict]:
    result = []
    for action in ACTIONS.values():
        if not _offered(action, signal):
            continue
        form = bound[1] if bound and bound[0] == action.key else _action_form(action, signal)
        result.append({"action": action, "form": form})
    return result


# --- Pages ---------------------------------------------------------------------------------


def _field_label(name: str) -> str:
    try:
        return str(Signal._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _history(signal: Signal, user) -> list:
    """The events with the changed fields named in Dutch (events store field names only),
    with who acted as this visitor may see it: names for the raising community's members;
    for everyone else the community's name for what happened inside it, and "het
    coördinatiepunt" for the rest. Notes only for the programme's coordinators."""
    events = list(selectors.signal_history(signal=signal))
    names = permissions.can_see_names_in_history(user, signal)
    notes = permissions.can_read_internal_notes(user, signal)
    coordinators = set() if names else selectors.programme_coordinator_user_ids(signal=signal)
    for event in events:
        fields = event.data.get("fields") if isinstance(event.data, dict) else None
        event.fields_display = ", ".join(_field_label(f) for f in fields or [])
        if event.actor is None:
            event.who = _("Systeem")
        elif names:
            person = getattr(event.actor, "person", None)
            event.who = person.full_name if person else event.actor.email
        elif event.actor_id in coordinators:
            event.who = _("Het coördinatiepunt")
        else:
            event.who = signal.community.name
        event.note_shown = event.note if notes else ""
        event.note_hidden = bool(event.note) and not notes
    return events


def _chosen(action_forms: list[dict], key: str | None) -> dict | None:
    """The action whose form the panel shows: the one just posted, or `?actie=`; an action
    not offered in this state shows the choice instead."""
    return next((item for item in action_forms if item["action"].key == key), None)


def _render_detail(request: HttpRequest, signal: Signal, *, bound=None, status: int = 200):
    user = request.user
    can_manage = signal.state != State.DRAFT and permissions.can_manage_venster(
        user, signal.community.programme
    )
    action_forms = _action_forms(signal, bound) if can_manage else []
    chosen = _chosen(action_forms, bound[0] if bound else request.GET.get("actie"))
    theme_suggestions = (
        selectors.theme_suggestions_for(user=user, signal=signal) if can_manage else []
    )
    if request.htmx and not request.htmx.boosted and request.method == "GET" and can_manage:
        panel = {
            "signal": signal,
            "action_forms": action_forms,
            "chosen": chosen,
            "theme_suggestions": theme_suggestions,
        }
        return render(request, "signalling/partials/signal_actions.html", panel)
    context = {
        "signal": signal,
        "community": signal.community,
        "can_view_community": community_permissions.can_view_community(user, signal.community),
        "can_view_venster": permissions.can_view_venster(user, signal.community.programme),
        "answers": selectors.signal_answers(signal=signal),
        "escalations": list(signal.escalations.select_related("coordination_meeting")),
        "history": (
            _history(signal, user) if permissions.can_view_signal_history(user, signal) else None
        ),
        "can_pass_on": signal.state == State.DRAFT and permissions.can_pass_on_signal(user, signal),
        "can_edit_draft": permissions.can_edit_draft(user, signal),
        "can_manage": can_manage,
        "action_forms": action_forms,
        "chosen": chosen,
        "theme_suggestions": theme_suggestions,
        "waiting": selectors.signal_is_waiting_for_feedback(signal=signal),
        "nav_section": "community",
    }
    return render(request, "signalling/signal_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_signal(request, pk))


@login_required
@require_POST
def signal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One coordinator step. A refused step re-renders the page with the reason beside it."""
    signal = _visible_signal(request, pk)
    if signal.state == State.DRAFT or not permissions.can_manage_venster(
        request.user, signal.community.programme
    ):
        raise PermissionDenied
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    form = _action_form(step, signal, request.POST)
    if form.is_valid():
        try:
            step.run(signal, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, str(step.done))
            return redirect("signalling:signal_detail", signal.pk)
    return _render_detail(request, signal, bound=(step.key, form), status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _visible_signal(request, pk)
    if not permissions.can_edit_draft(request.user, signal):
        raise PermissionDenied
    initial = {name: getattr(signal, name) for name in lifecycle.SIGNAL_FIELDS}
    initial["meeting"] = signal.meeting_id
    form = forms.SignalForm(request.POST or None, initial=initial, community=signal.community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        meeting = data.pop("meeting")
        try:
            lifecycle.signal_edit_draft(signal=signal, by=request.user, meeting=meeting, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het concept is opgeslagen."))
            return redirect("signalling:signal_detail", signal.pk)
    return render(
        request,
        "signalling/signal_form.html",
        {"community": signal.community, "signal": signal, "form": form, "nav_section": "community"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _visible_signal(request, pk)
    if not permissions.can_edit_draft(request.user, signal):
        raise PermissionDenied
    if request.method == "POST":
        community = signal.community
        lifecycle.signal_delete_draft(signal=signal, by=request.user)
        messages.success(request, _("Het concept is verwijderd."))
        return redirect("communities:community", community.pk)
    return render(
        request,
        "signalling/signal_delete.html",
        {"signal": signal, "community": signal.community, "nav_section": "community"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signal_pass_on(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead or facilitator checks the text and lets the signal leave the community.

    The guard's findings are highlighted with an explanation; passing on then needs the
    confirmation or an edited text, which is checked again on submit."""
    signal = _visible_signal(request, pk)
    if not permissions.can_pass_on_signal(request.user, signal):
        raise PermissionDenied
    if signal.state != State.DRAFT:
        messages.info(request, _("Dit signaal is al doorgegeven."))
        return redirect("signalling:signal_detail", signal.pk)
    initial = {"title": signal.title, "description": signal.description}
    form = forms.PassOnForm(request.POST or None, initial=initial)
    title, description = signal.title, signal.description
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        title, description = data["title"].strip(), data["description"].strip()
        redactions = {}
        if title != signal.title:
            redactions["title"] = title
        if description != signal.description:
            redactions["description"] = description
        try:
            lifecycle.signal_pass_on(
                signal=signal,
                by=request.user,
                guard_confirmed=data["confirmed"],
                redactions=redactions or None,
            )
        except lifecycle.PersonalDataFound as error:
            form.add_error("confirmed", error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Het signaal is doorgegeven aan het landelijk coördinatiepunt."),
            )
            return redirect("signalling:signal_detail", signal.pk)
    findings = guard.scan_signal(title, description)
    return render(
        request,
        "signalling/signal_pass_on.html",
        {
            "signal": signal,
            "community": signal.community,
            "form": form,
            "findings": findings,
            "title_highlighted": guard.highlight(
                title, [f for f in findings if f.field == "title"]
            ),
            "description_highlighted": guard.highlight(
                description, [f for f in findings if f.field == "description"]
            ),
            "nav_section": "community",
        },
        status=400 if request.method == "POST" else 200,
    )
