from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin signs in through our sign-in page, so staff pass the same second factor.
admin.site.login = secure_admin_login(admin.site.login)

# The 403 page says whom to ask, by the visitor's role.
handler403 = "leerkring.core.views.permission_denied"

urlpatterns = [
    path("", include("leerkring.core.urls")),
    path("", include("leerkring.accounts.urls")),
    path("", include("leerkring.accounts.allauth_urls")),
    path("", include("leerkring.communities.urls")),
    path("", include("leerkring.meetings.urls")),
    path("", include("leerkring.signalling.urls")),
    path("", include("leerkring.surveys.urls")),
    path("", include("leerkring.evaluation.urls")),
    path("", include("leerkring.dissemination.urls")),
    path("", include("leerkring.publishing.urls")),
    path("", include("leerkring.events.urls")),
    path("", include("leerkring.network.urls")),
    path("", include("leerkring.search.urls")),
    path("", include("leerkring.api.urls_pages")),
    path("api/v1/", include("leerkring.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
