"""URLs of the signalling app (signals and the venster). Each block belongs to one part."""

from django.urls import path  # noqa: F401

app_name = "signalling"
urlpatterns: list = []

# --- Raising, passing on, lifecycle and feedback ---------------------------------------

# --- The venster, themes, top five, LCC and system level --------------------------------

# --- Similar signals and Excel import/export --------------------------------------------
