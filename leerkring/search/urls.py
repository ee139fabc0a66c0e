"""URLs of the search app."""

from django.urls import path

from .views import search as search_views

app_name = "search"

urlpatterns = [
    path("search/", search_views.search, name="search"),
]
