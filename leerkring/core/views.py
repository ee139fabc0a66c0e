from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
