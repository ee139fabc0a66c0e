from django.http import HttpRequest

from leerkring.communities.selectors import programmes_for_navigation


def navigation(request: HttpRequest) -> dict:
    """Programmes in the menu; loaded lazily so pages that do not render the menu pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = programmes_for_navigation(user)
    return {
        "nav_programmes": nav["programmes"],
        "nav_can_view_organisations": nav["can_view_organisations"],
    }
