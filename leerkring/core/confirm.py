"""A second step before e-mail goes to many people or real content is deleted (issue 13).

The first POST only shows what would happen — how many people get which e-mail, or what
disappears — with a button that posts the same fields again plus `confirmed=1`, and a way
back. Nothing is queued or deleted without that field, so a stray click, a double submit or
a form posted by a script that skips the page sends nothing. Works without JavaScript.

Views check permission first, then ask `confirmation_needed`; the count they show comes from
the same selector the service uses to choose the recipients."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
# Not carried over to the confirmation's form: Django writes its own token there.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


def confirmation_needed(request: HttpRequest) -> bool:
    """True until the person has pressed the button on the confirmation page."""
    return request.POST.get(CONFIRMED_FIELD) != "1"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    action: str,
    back_url: str,
    details: list[str] | None = None,
    delete: bool = False,
    context: dict | None = None,
) -> HttpResponse:
    """The confirmation, posting the submitted fields again to the same URL. `message` states
    the count ("27 leden krijgen een uitnodiging per e-mail"); `details` lists what else the
    person should know before going on; `context` adds what the page layout needs
    (`community`, `nav_section`, …)."""
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            **(context or {}),
            "confirm": {
                "title": title,
                "message": message,
                "action": action,
                "back_url": back_url,
                "details": details or [],
                "delete": delete,
                "carried": carried,
                "field": CONFIRMED_FIELD,
            },
        },
    )
