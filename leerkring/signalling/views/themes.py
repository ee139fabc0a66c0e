"""Themes (hoofdvraagstukken) and the top five, for the coordinators of a programme.

Linking and merging move signals through the lifecycle, one event per signal; an answer on a
theme goes through `lifecycle.theme_respond` and so reaches every linked community. The top
five shows its formula and each theme's parts (`ranking`), and is readable for the leads and
facilitators who may consult the venster.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from leerkring.core.confirm import confirm_page, confirmation_needed

from .. import coordination, lifecycle, permissions, ranking, selectors
from ..forms_venster import (
    RankingForm,
    ThemeForm,
    ThemeLinkForm,
    ThemeMergeForm,
    ThemeRespondForm,
)
from ..models import SignalResponse, SignalTheme
from ._venster_common import programme_or_404, safe_next

THEME_SIGNALS_SHOWN = 100


def _managed_programme(request: HttpRequest, slug: str):
    programme = programme_or_404(slug)
    if not permissions.can_manage_venster(request.user, programme):
        raise PermissionDenied
    return programme


def _managed_theme(request: HttpRequest, pk: int) -> SignalTheme:
    theme = get_object_or_404(
        SignalTheme.objects.select_related("programme", "programme__rule_profile", "merged_into"),
        pk=pk,
    )
    if not permissions.can_manage_venster(request.user, theme.programme):
        raise PermissionDenied
    return theme


def _base_context(programme, tab: str) -> dict:
    return {
        "programme": programme,
        "nav_section": "programme",
        "current_programme": programme,
        "venster_tab": tab,
        "can_manage": True,
    }


@login_required
def theme_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = coordination.theme_create(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Hoofdvraagstuk ‘%(title)s’ aangemaakt.") % {"title": theme.title}
            )
            return redirect("signalling:theme", pk=theme.pk)
    return render(
        request,
        "signalling/theme_list.html",
        {
            **_base_context(programme, "themes"),
            "themes": selectors.programme_themes(programme=programme),
            "merged": selectors.merged_themes(programme=programme),
            "form": form,
        },
    )


@login_required
@require_POST
def theme_link(request: HttpRequest, slug: str) -> HttpResponse:
    """The bulk action of the venster (and the theme page): link the ticked signals."""
    programme = _managed_programme(request, slug)
    back = safe_next(request, reverse("signalling:venster", args=[programme.slug]))
    form = ThemeLinkForm(request.POST, programme=programme)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    theme = form.cleaned_data["theme"]
    try:
        changed = coordination.theme_link_signals(
            theme=theme, signal_ids=form.cleaned_data["signals"], by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)s signaal gekoppeld aan ‘%(title)s’.",
            "%(count)s signalen gekoppeld aan ‘%(title)s’.",
            changed,
        )
        % {"count": changed, "title": theme.title},
    )
    return redirect(back)


def _theme_page(request: HttpRequest, theme: SignalTheme, **forms) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    signals = list(selectors.theme_signals(theme=theme)[: THEME_SIGNALS_SHOWN + 1])
    context = {
        **_base_context(theme.programme, "themes"),
        "theme": theme,
        "signals": signals[:THEME_SIGNALS_SHOWN],
        "more_signals": len(signals) > THEME_SIGNALS_SHOWN,
        "responses": selectors.theme_responses(theme=theme),
        "rename_form": forms.get("rename_form")
        or ThemeForm(initial={"title": theme.title, "description": theme.description}),
        "merge_form": forms.get("merge_form") or ThemeMergeForm(theme=theme),
        "respond_form": forms.get("respond_form") or ThemeRespondForm(),
        "q": q,
        "candidates": selectors.theme_link_candidates(theme=theme, q=q),
    }
    return render(request, "signalling/theme_detail.html", context)


@login_required
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _managed_theme(request, pk)
    if theme.merged_into_id:
        messages.info(
            request,
            _("‘%(old)s’ is samengevoegd met ‘%(new)s’.")
            % {"old": theme.title, "new": theme.merged_into.title},
        )
        return redirect("signalling:theme", pk=theme.merged_into_id)
    return _theme_page(request, theme)


@login_required
@require_POST
def theme_rename(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _managed_theme(request, pk)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            coordination.theme_rename(theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het hoofdvraagstuk is opgeslagen."))
            return redirect("signalling:theme", pk=theme.pk)
    return _theme_page(request, theme, rename_form=form)


@login_required
@require_POST
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _managed_theme(request, pk)
    form = ThemeMergeForm(request.POST, theme=theme)
    if form.is_valid():
        try:
            target = coordination.theme_merge(
                theme=theme, into=form.cleaned_data["into"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("‘%(old)s’ is samengevoegd met ‘%(new)s’; de signalen staan nu daar.")
                % {"old": theme.title, "new": target.title},
            )
            return redirect("signalling:theme", pk=target.pk)
    return _theme_page(request, theme, merge_form=form)


@login_required
@require_POST
def theme_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer, many communities informed (issue §3)."""
    theme = _managed_theme(request, pk)
    form = ThemeRespondForm(request.POST)
    if form.is_valid() and confirmation_needed(request):
        try:
            lifecycle.answer_check(
                form.cleaned_data["text"],
                field="text",
                confirmed=form.cleaned_data["guard_confirmed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
            return _theme_page(request, theme, respond_form=form)
        communities, people = lifecycle.theme_answer_reach(theme=theme)
        return confirm_page(
            request,
            title=_("Antwoord op een hoofdvraagstuk versturen"),
            message=ngettext(
                "Het antwoord gaat naar %(communities)s gemeenschap met een signaal hierbij.",
                "Het antwoord gaat naar %(communities)s gemeenschappen met een signaal hierbij.",
                communities,
            )
            % {"communities": communities}
            + " "
            + ngettext(
                "%(people)s communitytrekker of procesbegeleider krijgt het per e-mail.",
                "%(people)s communitytrekkers en procesbegeleiders krijgen het per e-mail.",
                people,
            )
            % {"people": people},
            details=[_("Het antwoord staat daarna bij elk signaal van dit hoofdvraagstuk.")],
            action=_("Ja, antwoord versturen"),
            back_url=reverse("signalling:theme", args=[theme.pk]),
            context=_base_context(theme.programme, "themes"),
        )
    if form.is_valid():
        try:
            lifecycle.theme_respond(
                theme=theme,
                by=request.user,
                text=form.cleaned_data["text"],
                source=SignalResponse.Source.COORDINATOR,
                guard_confirmed=form.cleaned_data["guard_confirmed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Het antwoord is verstuurd naar elke gemeenschap met een signaal hierbij."),
            )
            return redirect("signalling:theme", pk=theme.pk)
    return _theme_page(request, theme, respond_form=form)


# --- Top five -------------------------------------------------------------------------


@login_required
def top_five(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    if not permissions.can_view_venster(request.user, programme):
        raise PermissionDenied
    ranked = ranking.theme_ranking(programme=programme)
    return render(
        request,
        "signalling/theme_top5.html",
        {
            **_base_context(programme, "top5"),
            "top": sorted([e for e in ranked if e.in_top_five], key=lambda e: not e.theme.pinned),
            "rest": [e for e in ranked if not e.in_top_five],
            "can_manage": permissions.can_manage_venster(request.user, programme),
            "weights": {
                "window_days": ranking.WINDOW_DAYS,
                "recent_days": ranking.RECENT_DAYS,
                "signal": ranking.SIGNAL_WEIGHT,
                "community": ranking.COMMUNITY_WEIGHT,
                "recent_bonus": ranking.RECENT_BONUS,
                "window_bonus": ranking.WINDOW_BONUS,
                "size": ranking.TOP_SIZE,
            },
        },
    )


@login_required
def theme_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Pin or exclude a theme, with a required reason, or put it back on its score."""
    theme = _managed_theme(request, pk)
    if theme.merged_into_id:
        return redirect("signalling:top5", slug=theme.programme.slug)
    initial = {"action": "pin" if theme.pinned else "exclude" if theme.excluded else "reset"}
    initial["reason"] = theme.ranking_reason
    form = RankingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "pin":
                ranking.theme_pin(theme=theme, by=request.user, reason=reason)
            elif action == "exclude":
                ranking.theme_exclude(theme=theme, by=request.user, reason=reason)
            else:
                ranking.theme_ranking_reset(theme=theme, by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De top vijf is bijgewerkt."))
            return redirect("signalling:top5", slug=theme.programme.slug)
    return render(
        request,
        "signalling/theme_ranking.html",
        {**_base_context(theme.programme, "top5"), "theme": theme, "form": form},
    )
