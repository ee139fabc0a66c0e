"""Observations of meetings (report Bijlage 4) and the evaluator's own observation templates.

Evaluators of the programme observe and edit; its coordinators read along. Members never
see an observation: the report's observer stays in the background (permissions.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.core import id_lists
from leerkring.meetings.models import Meeting

from .. import permissions, selectors, services
from ..forms_fieldwork import (
    ObservationForm,
    ObservationTemplateForm,
    TemplateChoiceForm,
    question_formset,
)
from ..models import Observation, ObservationTemplate
from ..prefill import meeting_prefill


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_observations(request.user, programme):
        raise PermissionDenied
    return programme


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("community__programme"), pk=pk)


def _observation(request: HttpRequest, pk: int, *, edit: bool = False) -> Observation:
    observation = get_object_or_404(selectors.observation_for_page(), pk=pk)
    check = permissions.can_edit_observation if edit else permissions.can_view_observation
    if not check(request.user, observation):
        raise PermissionDenied
    return observation


def _page(programme: Programme, **context) -> dict:
    return {"programme": programme, "current_programme": programme, "nav_section": "programme"} | (
        context
    )


def _question_rows(questions, snapshot: dict, answers: dict | None = None) -> list[dict]:
    """Each question with what Leerkring knew for it and, on the detail page, the answer."""
    answers = answers or {}
    return [
        {
            "question": question,
            "prefill": snapshot.get(question.prefill) if question.prefill else None,
            "answer": answers.get(question.pk),
        }
        for question in questions
    ]


def _form_rows(form: ObservationForm, snapshot: dict) -> list[dict]:
    return [
        {
            "question": row.question,
            "text": row.text,
            "wrapup": row.wrapup,
            "prefill": snapshot.get(row.question.prefill) if row.question.prefill else None,
        }
        for row in form.rows()
    ]


def _agenda(meeting: Meeting) -> list:
    """The agenda, shown (never stored) to an observer the community let in."""
    return list(meeting.agenda_items.select_related("work_form").order_by("position", "pk"))


# Lists ------------------------------------------------------------------------------------


@login_required
def observation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's observations and, for evaluators, recent meetings to observe."""
    programme = _programme(request, slug)
    can_observe = permissions.is_evaluator(request.user, programme)
    communities = list(selectors.programme_communities(programme=programme))
    community_id = id_lists.as_key(request.GET.get("community", ""))
    return render(
        request,
        "evaluation/observation_list.html",
        _page(
            programme,
            observations=list(selectors.observations_of_programme(programme=programme)),
            meetings=(
                selectors.observable_meetings(
                    programme=programme, community_id=community_id, user=request.user
                )
                if can_observe
                else []
            ),
            communities=communities,
            community_id=community_id,
            can_observe=can_observe,
        ),
    )


@login_required
def meeting_observations(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    programme = meeting.community.programme
    if not permissions.can_view_observations(request.user, programme):
        raise PermissionDenied
    refusal = ""
    try:
        services.observation_check_meeting(meeting=meeting)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    return render(
        request,
        "evaluation/observation_meeting.html",
        _page(
            programme,
            meeting=meeting,
            observations=list(selectors.observations_of_meeting(meeting=meeting)),
            can_observe=permissions.can_observe_meeting(request.user, meeting),
            refusal=refusal,
        ),
    )


# Observing --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    programme = meeting.community.programme
    if not permissions.can_observe_meeting(request.user, meeting):
        raise PermissionDenied
    context = _page(programme, meeting=meeting, agenda=_agenda(meeting))
    try:
        services.observation_check_meeting(meeting=meeting)
    except ValidationError as error:
        context["refusal"] = " ".join(error.messages)
        return render(request, "evaluation/observation_form.html", context)

    templates = selectors.observation_templates_for(programme=programme)
    choice = TemplateChoiceForm(request.GET or None, templates=templates)
    template = choice.cleaned_data.get("schema") if choice.is_valid() else None
    template = template or selectors.observation_template_default(programme=programme)
    if template is None:
        raise Http404
    choice = TemplateChoiceForm(initial={"schema": template.pk}, templates=templates)
    questions = selectors.observation_questions(template=template)
    form = ObservationForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            observation = services.observation_create(
                meeting=meeting,
                template=template,
                by=request.user,
                answers=form.answers(),
                **form.notes(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Je observatie is opgeslagen."))
            return redirect("evaluation:observation_detail", observation.pk)
    snapshot = meeting_prefill(meeting)
    context |= {
        "form": form,
        "rows": _form_rows(form, snapshot),
        "template": template,
        "choice": choice,
        "show_choice": len(templates) > 1,
        "action": f"{request.path}?schema={template.pk}",
    }
    return render(request, "evaluation/observation_form.html", context)


@login_required
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation = _observation(request, pk)
    questions = selectors.observation_questions(template=observation.template)
    answers = {answer.question_id: answer for answer in observation.answers.all()}
    return render(
        request,
        "evaluation/observation_detail.html",
        _page(
            observation.meeting.community.programme,
            observation=observation,
            meeting=observation.meeting,
            rows=_question_rows(questions, observation.prefill, answers),
            can_edit=permissions.can_edit_observation(request.user, observation),
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = _observation(request, pk, edit=True)
    questions = selectors.observation_questions(template=observation.template)
    form = ObservationForm(
        request.POST or None,
        questions=questions,
        allow_refresh=True,
        initial=ObservationForm.initial_for(observation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_update(
                observation=observation,
                by=request.user,
                answers=form.answers(),
                refresh_prefill=form.cleaned_data.get("refresh_prefill", False),
                **form.notes(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Je observatie is bijgewerkt."))
            return redirect("evaluation:observation_detail", observation.pk)
    return render(
        request,
        "evaluation/observation_form.html",
        _page(
            observation.meeting.community.programme,
            meeting=observation.meeting,
            observation=observation,
            form=form,
            rows=_form_rows(form, observation.prefill),
            template=observation.template,
            agenda=_agenda(observation.meeting),
            action=request.path,
        ),
    )


# Templates --------------------------------------------------------------------------------


@login_required
def observation_templates(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    return render(
        request,
        "evaluation/observation_templates.html",
        _page(
            programme,
            templates=list(selectors.observation_templates_for(programme=programme)),
            can_manage=permissions.can_manage_observation_templates(request.user, programme),
        ),
    )


@login_required
@require_POST
def observation_template_copy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_manage_observation_templates(request.user, programme):
        raise PermissionDenied
    source = get_object_or_404(ObservationTemplate, pk=pk)
    if source.programme_id not in (None, programme.pk):
        raise Http404
    copy = services.observation_template_copy(template=source, programme=programme, by=request.user)
    messages.success(request, _("Het schema is gekopieerd. Pas de vragen aan waar nodig."))
    return redirect("evaluation:observation_template", copy.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The template's questions; for its programme's evaluators an editor (one form post
    changes texts, adds a question and removes ticked ones)."""
    template = get_object_or_404(ObservationTemplate.objects.select_related("programme"), pk=pk)
    if not permissions.can_view_observation_template(request.user, template):
        raise PermissionDenied
    can_edit = permissions.can_edit_observation_template(request.user, template)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    questions = selectors.observation_questions(template=template)
    form = formset = None
    if can_edit:
        data = request.POST if request.method == "POST" else None
        form = ObservationTemplateForm(data, initial={"title": template.title})
        formset = question_formset(data, questions=questions)
        if data is not None and form.is_valid() and formset.is_valid():
            try:
                services.observation_template_update(
                    template=template,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    questions=formset.inputs(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Het schema is opgeslagen."))
                return redirect(reverse("evaluation:observation_template", args=[template.pk]))
    programme = template.programme
    return render(
        request,
        "evaluation/observation_template.html",
        {
            "template": template,
            "programme": programme,
            "current_programme": programme,
            "nav_section": "programme",
            "questions": questions,
            "can_edit": can_edit,
            "form": form,
            "formset": formset,
        },
    )
