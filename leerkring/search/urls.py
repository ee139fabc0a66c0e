"""URLs of the search app. Each block belongs to one part."""

from django.urls import path  # noqa: F401

app_name = "search"
urlpatterns: list = []
