"""URLs of the surveys app. Each block belongs to one part."""

from django.urls import path  # noqa: F401

app_name = "surveys"
urlpatterns: list = []

# --- Questionnaires and the thermometer template ----------------------------------------

# --- Waves, invitations and answering ---------------------------------------------------

# --- Results and exports ----------------------------------------------------------------
