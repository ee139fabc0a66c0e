"""URLs of the dissemination app, in sections that follow its parts."""

from django.urls import path

from .views import knowledge as knowledge_views
from .views import newsletters as newsletter_views
from .views import products as product_views
from .views import subscribe as subscribe_views

app_name = "dissemination"

urlpatterns = [
    # --- Products and knowledge view -----------------------------------------------------------
    path("communities/<int:pk>/products/new/", product_views.product_create, name="product_create"),
    path("products/<int:pk>/", product_views.product_detail, name="product"),
    path("products/<int:pk>/edit/", product_views.product_edit, name="product_edit"),
    path("products/<int:pk>/status/", product_views.product_status, name="product_status"),
    path("products/<int:pk>/files/", product_views.product_file_add, name="product_file_add"),
    path(
        "products/<int:pk>/files/<int:file_pk>/",
        product_views.product_file,
        name="product_file",
    ),
    path(
        "products/<int:pk>/files/<int:file_pk>/delete/",
        product_views.product_file_delete,
        name="product_file_delete",
    ),
    path("products/<int:pk>/links/", product_views.product_link_add, name="product_link_add"),
    path(
        "products/<int:pk>/links/<int:link_pk>/delete/",
        product_views.product_link_delete,
        name="product_link_delete",
    ),
    path(
        "products/<int:pk>/disseminations/",
        product_views.dissemination_add,
        name="dissemination_add",
    ),
    path(
        "products/<int:pk>/disseminations/<int:entry_pk>/delete/",
        product_views.dissemination_delete,
        name="dissemination_delete",
    ),
    path("programmes/<slug:slug>/products/", product_views.catalogue, name="catalogue"),
    path("programmes/<slug:slug>/knowledge/", knowledge_views.knowledge, name="knowledge"),
    # --- Newsletter ----------------------------------------------------------------------------
    path(
        "programmes/<slug:slug>/newsletters/",
        newsletter_views.newsletter_list,
        name="newsletters",
    ),
    path(
        "programmes/<slug:slug>/newsletters/new/",
        newsletter_views.newsletter_create,
        name="newsletter_create",
    ),
    path("newsletters/<int:pk>/", newsletter_views.newsletter_detail, name="newsletter"),
    path("newsletters/<int:pk>/edit/", newsletter_views.newsletter_edit, name="newsletter_edit"),
    path(
        "newsletters/<int:pk>/subscribers/",
        newsletter_views.newsletter_subscribers,
        name="newsletter_subscribers",
    ),
    path("newsletters/<int:pk>/issues/new/", newsletter_views.issue_create, name="issue_create"),
    path("newsletters/<int:pk>/opt-in/", subscribe_views.newsletter_optin, name="newsletter_optin"),
    path(
        "newsletters/<int:pk>/subscribe/",
        subscribe_views.newsletter_subscribe,
        name="newsletter_subscribe",
    ),
    path(
        "newsletters/confirm/<str:token>/",
        subscribe_views.newsletter_confirm,
        name="newsletter_confirm",
    ),
    path(
        "unsubscribe/<str:token>/",
        subscribe_views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("issues/<int:pk>/", newsletter_views.issue_detail, name="issue"),
    path("issues/<int:pk>/edit/", newsletter_views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/picks/", newsletter_views.issue_picks, name="issue_picks"),
    path("issues/<int:pk>/items/new/", newsletter_views.issue_item_add, name="issue_item_add"),
    path(
        "issues/<int:pk>/items/<int:item_pk>/",
        newsletter_views.issue_item_edit,
        name="issue_item_edit",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/move/",
        newsletter_views.issue_item_move,
        name="issue_item_move",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/delete/",
        newsletter_views.issue_item_delete,
        name="issue_item_delete",
    ),
    path("issues/<int:pk>/preview/", newsletter_views.issue_preview, name="issue_preview"),
    path("issues/<int:pk>/publish/", newsletter_views.issue_publish, name="issue_publish"),
    path("issues/<int:pk>/resume/", newsletter_views.issue_send_resume, name="issue_send_resume"),
    path(
        "issues/<int:pk>/mail/resend/", newsletter_views.issue_mail_resend, name="issue_mail_resend"
    ),
]
