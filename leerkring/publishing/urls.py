from django.urls import path

from .views import proposals, public

app_name = "publishing"
urlpatterns = [
    # Public: no sign-in, opaque keys in every address.
    path("public/", public.public_index, name="public_index"),
    path("public/<slug:slug>/", public.public_programme, name="public_programme"),
    path("public/<slug:slug>/feed/atom/", public.public_feed_atom, name="public_feed_atom"),
    path("public/<slug:slug>/feed/rss/", public.public_feed_rss, name="public_feed_rss"),
    path("public/<slug:slug>/items/<str:public_id>/", public.public_item, name="public_item"),
    path(
        "public/<slug:slug>/items/<str:public_id>/files/<str:file_id>/",
        public.public_file,
        name="public_file",
    ),
    # Inside the programme.
    path(
        "communities/<int:pk>/publications/new/lesson/<int:lesson_pk>/",
        proposals.publication_propose,
        name="propose_lesson",
    ),
    path(
        "communities/<int:pk>/publications/new/product/<int:product_pk>/",
        proposals.publication_propose,
        name="propose_product",
    ),
    path("publications/<int:pk>/", proposals.publication_detail, name="publication"),
    path("publications/<int:pk>/approve/", proposals.publication_approve, name="approve"),
    path("publications/<int:pk>/decline/", proposals.publication_decline, name="decline"),
    path("publications/<int:pk>/withdraw/", proposals.publication_withdraw, name="withdraw"),
    path("publications/<int:pk>/credit/", proposals.publication_credit, name="credit"),
    path("programmes/<slug:slug>/publications/", proposals.review, name="review"),
]
