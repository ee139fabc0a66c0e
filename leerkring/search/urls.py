"""URLs of the search app. Each block belongs to one part."""

from django.urls import path

app_name = "search"
urlpatterns: list = []

# --- Search ---------------------------------------------------------------------------------
from .views import search as search_views  # noqa: E402

urlpatterns += [
    path("search/", search_views.search, name="search"),
]
