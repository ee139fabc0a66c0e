from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from leerkring.communities.selectors import home_overview


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    overview = home_overview(request.user)
    return render(request, "core/home.html", {"nav_section": "home", **overview})


def health(request: HttpRequest) -> JsonResponse:
    """For the proxy and the process manager: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
