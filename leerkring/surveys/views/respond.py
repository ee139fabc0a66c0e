"""The respondent's form, opened without an account: through a personal one-time link
(`/s/<token>/`) or a wave's open link (`/s/open/<token>/`).

The token in the address is used once (docs/privacy.md, "Enquêtes"). The first visit
exchanges it for a key in a cookie that only this browser holds (path `/s/`, HTTP-only, not
sent to other sites) and redirects to `/s/vragenlijst/`, which carries no token: the form, its
reloads and its sending never put the token in a request line again, and the personal
token itself stops working. Pages for refused links are marked as logged, so Django's request
logger does not print their path; our own log lines name only the reason. The pages are not
cached and send no referrer off-site (settings: same-origin).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms_respond import HONEYPOT_FIELD, ResponseForm
from ..models import Wave

logger = logging.getLogger(__name__)

# Submits through one wave's open link from one address, per hour. An office behind one
# address may hold a whole team, so this stops floods, not colleagues.
OPEN_LINK_SUBMITS_PER_HOUR = getattr(settings, "SURVEY_OPEN_LINK_SUBMITS_PER_HOUR", 30)

# The cookie that holds the form key (personal link) or the open link's token.
FORM_COOKIE = "lk_survey"
FORM_COOKIE_SALT = "leerkring.surveys.form"
INVITATION = "i"
OPEN = "o"

_LINK_STATUS = {
    "unknown": 404,
    "answered": 410,
    "closed": 410,
    "not_open": 200,
    "busy": 429,
    "no_form": 200,
}


def _link_page(request: HttpRequest, reason: str, wave: Wave | None = None) -> HttpResponse:
    """The friendly page for a link that does not (or no longer) open the form."""
    logger.info("Survey link refused: %s", reason)
    response = render(
        request,
        "surveys/respond_link.html",
        {"reason": reason, "wave": wave},
        status=_LINK_STATUS[reason],
    )
    # Django's request logger would print the path, token included, for 4xx responses.
    response._has_been_logged = True
    if reason in ("answered", "closed", "unknown"):
        response.delete_cookie(FORM_COOKIE, path="/s/")
    return response


def _draft_key(value: str) -> str:
    """The key answers are kept under in the browser before sending (respond.js). Derived
    from the invitation or wave, not the token, so browser storage holds no working link and
    a reminder's fresh link finds the same draft."""
    return salted_hmac("leerkring.surveys.draft", value).hexdigest()[:32]


def _to_form(kind: str, value: str) -> HttpResponse:
    """Leave the token behind: keep the key in a cookie and continue at a token-free address."""
    response = redirect("surveys:respond_form")
    response.set_signed_cookie(
        FORM_COOKIE,
        f"{kind}:{value}",
        salt=FORM_COOKIE_SALT,
        path="/s/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    response._has_been_logged = True
    return response


def _form_page(
    request: HttpRequest, *, wave: Wave, form: ResponseForm, draft_key: str, open_link: bool
) -> HttpResponse:
    context = {
        "wave": wave,
        "questionnaire": wave.questionnaire,
        "form": form,
        "sections": form.sections,
        "draft_key": draft_key,
        "open_link": open_link,
        "honeypot_field": HONEYPOT_FIELD,
    }
    return render(request, "surveys/respond.html", context)


def _questionnaire(wave: Wave):
    return selectors.questionnaire_with_content().get(pk=wave.questionnaire_id)


def _sent() -> HttpResponse:
    response = redirect("surveys:respond_done")
    response.delete_cookie(FORM_COOKIE, path="/s/")
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: exchange the token and go on without it."""
    try:
        invitation, key = services.invitation_exchange(token=token)
    except services.SurveyLinkError as error:
        invitation = selectors.invitation_for_token(token)
        return _link_page(request, error.reason, invitation.wave if invitation else None)
    return _to_form(INVITATION, key)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def respond_open(request: HttpRequest, token: str) -> HttpResponse:
    """The wave's open link: check it and go on without it in the address."""
    wave = selectors.wave_for_open_token(token)
    if wave is None:
        return _link_page(request, "unknown")
    state = services.wave_answering_state(wave)
    if state:
        return _link_page(request, state, wave)
    return _to_form(OPEN, token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def respond_form(request: HttpRequest) -> HttpResponse:
    """The form itself, at an address without a token; the cookie says whose it is."""
    try:
        kind, value = request.get_signed_cookie(FORM_COOKIE, salt=FORM_COOKIE_SALT).split(":", 1)
    except (KeyError, signing.BadSignature, ValueError):
        return _link_page(request, "no_form")
    if kind == OPEN:
        return _respond_open_form(request, value)
    return _respond_invitation_form(request, value)


def _respond_invitation_form(request: HttpRequest, key: str) -> HttpResponse:
    invitation = services.invitation_for_form_key(key)
    if invitation is None:
        return _link_page(request, "unknown")
    wave = invitation.wave
    try:
        services.invitation_check_can_answer(invitation)
    except services.SurveyLinkError as error:
        return _link_page(request, error.reason, wave)
    form = ResponseForm.for_wave(
        wave=wave,
        questionnaire=_questionnaire(wave),
        communities=selectors.wave_communities(wave),
        known_community_id=invitation.community_id,
    )
    draft_key = _draft_key(f"invitation:{invitation.pk}")
    if request.method == "POST" and form.bind(request.POST).is_valid():
        try:
            services.response_submit(
                form_key=key, community_id=form.community_id, answers=form.answers
            )
        except services.SurveyLinkError as error:
            return _link_page(request, error.reason, wave)
        return _sent()
    return _form_page(request, wave=wave, form=form, draft_key=draft_key, open_link=False)


def _client_address(request: HttpRequest) -> str:
    if "HTTP_X_FORWARDED_FOR" in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def open_link_allow(request: HttpRequest, wave: Wave) -> bool:
    """Count a submit from this address through this wave's open link. The cache holds a
    hash of the address, and only for an hour."""
    address = hashlib.sha256(_client_address(request).encode()).hexdigest()[:32]
    key = f"surveys:open-link:{wave.pk}:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= OPEN_LINK_SUBMITS_PER_HOUR


def _respond_open_form(request: HttpRequest, token: str) -> HttpResponse:
    wave = selectors.wave_for_open_token(token)
    if wave is None:
        return _link_page(request, "unknown")
    state = services.wave_answering_state(wave)
    if state:
        return _link_page(request, state, wave)
    form = ResponseForm.for_wave(
        wave=wave,
        questionnaire=_questionnaire(wave),
        communities=selectors.wave_communities(wave),
    )
    draft_key = _draft_key(f"open:{wave.pk}")
    if request.method == "POST":
        if not open_link_allow(request, wave):
            return _link_page(request, "busy", wave)
        if request.POST.get(HONEYPOT_FIELD):
            # Filled in by a robot: look like success, store nothing.
            logger.info("Survey open link: honeypot filled, nothing stored")
            return redirect("surveys:respond_done")
        if form.bind(request.POST).is_valid():
            try:
                services.response_submit_open(
                    wave=wave, community_id=form.community_id, answers=form.answers
                )
            except services.SurveyLinkError as error:
                return _link_page(request, error.reason, wave)
            return redirect("surveys:respond_done")
    return _form_page(request, wave=wave, form=form, draft_key=draft_key, open_link=True)


@never_cache
@require_http_methods(["GET", "HEAD"])
def respond_done(request: HttpRequest) -> HttpResponse:
    """Thanks. Says nothing about which form was sent, so it can be a plain public page."""
    return render(request, "surveys/respond_done.html")
