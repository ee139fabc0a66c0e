from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, SYSTEM_PARTNER, access_for
from leerkring.communities.selectors import home_overview

from .health import run_checks
from .panels import Task, Urgency, home_panels, home_tasks

# "Wat nu" shows this many lines; the rest is summed up under it.
HOME_TASKS_SHOWN = 15


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home opens with "Wat nu": one line per task, most urgent first,
    gathered from every app (issue "Task-first interface"); below it their communities and
    programmes."""
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    overview = home_overview(request.user)
    attention = [
        Task(
            text=item.message,
            url=item.url,
            urgency=Urgency.WAITING,
            where=item.community.name,
        )
        for item in overview.pop("attention")
    ]
    tasks = sorted([*home_tasks.tasks_for(request.user), *attention], key=Task.sort_key)
    # What other apps have for this person (upcoming programme events, ...), without core
    # importing them: see `panels.register_home_panel`.
    panels = home_panels.visible_for(request.user, request.user)
    return render(
        request,
        "core/home.html",
        {
            "nav_section": "home",
            "panels": panels,
            "tasks": tasks[:HOME_TASKS_SHOWN],
            "tasks_more": max(0, len(tasks) - HOME_TASKS_SHOWN),
            **overview,
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    """For the proxy and the process manager: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def health_queue(request: HttpRequest) -> JsonResponse:
    """For monitoring: background work moves (workers beat, mail is not overdue). 503 when a
    check fails; counts only, nothing about whom mail is for."""
    results = run_checks()
    ok = all(result.ok for result in results.values())
    return JsonResponse(
        {
            "status": "ok" if ok else "failing",
            "checks": {
                name: {"ok": result.ok, **result.details} for name, result in results.items()
            },
        },
        status=200 if ok else 503,
    )


def _whom_to_ask(user) -> str:
    """Whom this person can ask for access, by the broadest role they hold: the coordination
    point is never sent to itself, and a system partner is not told to ask a community."""
    access = access_for(user)
    programme_roles = set().union(*access.programme_roles.values())
    community_roles = set(access.community_roles.values())
    if COORDINATOR in programme_roles:
        return _(
            "Wat in een gemeenschap besproken wordt, zien alleen haar leden; het coördinatiepunt "
            "ziet wat een gemeenschap deelt. Woon je de gemeenschap bij, vraag dan de "
            "communitytrekker om je als lid toe te voegen."
        )
    if SYSTEM_PARTNER in programme_roles:
        return _(
            "Op stelselniveau zie je de signalen die naar het stelselniveau zijn opgeschaald. "
            "Mis je een signaal, vraag het dan aan het coördinatiepunt van het programma."
        )
    if EVALUATOR in programme_roles:
        return _(
            "Als onderzoeker zie je wat je voor het onderzoek nodig hebt. Hoort deze pagina "
            "daarbij, vraag het dan aan het coördinatiepunt van het programma."
        )
    if community_roles & (set(LEAD_ROLES) | set(FACILITATOR_ROLES)):
        return _("Vraag het aan het coördinatiepunt van het programma.")
    if community_roles:
        return _("Vraag het aan de communitytrekker van je gemeenschap.")
    return _(
        "Je account hoort nog bij geen gemeenschap of programma. Vraag het aan wie je "
        "uitnodigde: de communitytrekker of het coördinatiepunt."
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page, with whom to ask for this visitor's role (handler403)."""
    user = getattr(request, "user", None)
    whom = _whom_to_ask(user) if user is not None and user.is_authenticated else ""
    return render(request, "403.html", {"whom_to_ask": whom}, status=403)
