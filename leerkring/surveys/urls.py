"""URLs of the surveys app, in sections that follow its parts."""

from django.urls import path

from .views import questionnaires as questionnaire_views
from .views import respond as respond_views
from .views import results as results_views
from .views import waves as wave_views

app_name = "surveys"

# Path prefixes of a questionnaire and of one part (option, statement) of its questions.
QUESTIONNAIRE = "questionnaires/<int:pk>/"
QUESTION_PART = QUESTIONNAIRE + "questions/<int:question_pk>/<str:part>/"

urlpatterns = [
    # --- Questionnaires and the thermometer template ----------------------------------------
    path("programmes/<slug:slug>/surveys/", questionnaire_views.survey_index, name="index"),
    path(
        "programmes/<slug:slug>/surveys/new/",
        questionnaire_views.questionnaire_create,
        name="questionnaire_create",
    ),
    path(
        "programmes/<slug:slug>/surveys/copy/<int:pk>/",
        questionnaire_views.questionnaire_copy,
        name="questionnaire_copy",
    ),
    path(QUESTIONNAIRE, questionnaire_views.questionnaire_detail, name="questionnaire"),
    path(
        QUESTIONNAIRE + "preview/",
        questionnaire_views.questionnaire_preview,
        name="questionnaire_preview",
    ),
    path(
        QUESTIONNAIRE + "new-version/",
        questionnaire_views.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
    path(QUESTIONNAIRE + "sections/add/", questionnaire_views.section_add, name="section_add"),
    path(
        QUESTIONNAIRE + "sections/<int:section_pk>/edit/",
        questionnaire_views.section_edit,
        name="section_edit",
    ),
    path(
        QUESTIONNAIRE + "sections/<int:section_pk>/move/",
        questionnaire_views.section_move,
        name="section_move",
    ),
    path(
        QUESTIONNAIRE + "sections/<int:section_pk>/delete/",
        questionnaire_views.section_delete,
        name="section_delete",
    ),
    path(QUESTIONNAIRE + "questions/add/", questionnaire_views.question_add, name="question_add"),
    path(
        QUESTIONNAIRE + "questions/<int:question_pk>/",
        questionnaire_views.question_edit,
        name="question_edit",
    ),
    path(
        QUESTIONNAIRE + "questions/<int:question_pk>/move/",
        questionnaire_views.question_move,
        name="question_move",
    ),
    path(
        QUESTIONNAIRE + "questions/<int:question_pk>/delete/",
        questionnaire_views.question_delete,
        name="question_delete",
    ),
    path(QUESTION_PART + "add/", questionnaire_views.item_add, name="question_item_add"),
    path(
        QUESTION_PART + "<int:item_pk>/edit/",
        questionnaire_views.item_edit,
        name="question_item_edit",
    ),
    path(
        QUESTION_PART + "<int:item_pk>/move/",
        questionnaire_views.item_move,
        name="question_item_move",
    ),
    path(
        QUESTION_PART + "<int:item_pk>/delete/",
        questionnaire_views.item_delete,
        name="question_item_delete",
    ),
    # --- Waves, invitations and answering ---------------------------------------------------
    # Respondents' links come without an account: the token is the key (views/respond.py).
    # `s/bedankt/` and `s/vragenlijst/` come before `s/<token>/` so it is never read as a token.
    path("programmes/<slug:slug>/waves/new/", wave_views.wave_create, name="wave_create"),
    path("waves/<int:pk>/", wave_views.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/edit/", wave_views.wave_edit, name="wave_edit"),
    path("waves/<int:pk>/send/", wave_views.wave_send, name="wave_send"),
    path("waves/<int:pk>/remind/", wave_views.wave_remind, name="wave_remind"),
    path("waves/<int:pk>/mail/resend/", wave_views.wave_mail_resend, name="wave_mail_resend"),
    path("waves/<int:pk>/addresses/", wave_views.wave_addresses, name="wave_addresses"),
    path("waves/<int:pk>/open-link/", wave_views.wave_open_link, name="wave_open_link"),
    path("s/bedankt/", respond_views.respond_done, name="respond_done"),
    path("s/vragenlijst/", respond_views.respond_form, name="respond_form"),
    path("s/open/<str:token>/", respond_views.respond_open, name="respond_open"),
    path("s/<str:token>/", respond_views.respond, name="respond"),
    # --- Results and exports ----------------------------------------------------------------
    path("waves/<int:pk>/results/", results_views.wave_results, name="results"),
    path(
        "waves/<int:pk>/results/communities/",
        results_views.wave_results_communities,
        name="results_communities",
    ),
    path("waves/<int:pk>/export.csv", results_views.wave_export_csv, name="export_csv"),
    path("waves/<int:pk>/export.xlsx", results_views.wave_export_xlsx, name="export_xlsx"),
    path("waves/<int:pk>/codebook.csv", results_views.wave_codebook_csv, name="codebook_csv"),
    path("programmes/<slug:slug>/surveys/compare/", results_views.wave_compare, name="compare"),
]
