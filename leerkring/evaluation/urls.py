"""URLs of the evaluation app. Each block belongs to one part."""

from django.urls import path  # noqa: F401

app_name = "evaluation"
urlpatterns: list = []
