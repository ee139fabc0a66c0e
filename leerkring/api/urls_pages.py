"""Pages around the API: a person's own tokens and a programme's webhooks."""

from django.urls import path

from .views import token_pages, webhook_pages

app_name = "integrations"
urlpatterns = [
    path("account/api-tokens/", token_pages.token_list, name="tokens"),
    path("account/api-tokens/<int:pk>/revoke/", token_pages.token_revoke, name="token_revoke"),
    path("programmes/<slug:slug>/webhooks/", webhook_pages.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", webhook_pages.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/secret/", webhook_pages.webhook_secret, name="webhook_secret"),
    path("webhooks/<int:pk>/delete/", webhook_pages.webhook_delete, name="webhook_delete"),
]
