from django.urls import path

from kartbild.corevalues import views

app_name = "corevalues"

FRAMEWORK = "o/<slug:org>/vardegrund/<int:framework_id>/"

urlpatterns = [
    # Authoring: organisation admins write, analysts read.
    path("o/<slug:org>/vardegrund/", views.index, name="index"),
    path("o/<slug:org>/vardegrund/ny/", views.create, name="create"),
    path(FRAMEWORK, views.detail, name="detail"),
    path(f"{FRAMEWORK}andra/", views.edit, name="edit"),
    path(f"{FRAMEWORK}publicera/", views.publish, name="publish"),
    path(f"{FRAMEWORK}ny-version/", views.new_version, name="new_version"),
    path(f"{FRAMEWORK}ta-bort/", views.delete, name="delete"),
    path(f"{FRAMEWORK}varden/ny/", views.value_add, name="value_add"),
    path(f"{FRAMEWORK}varden/<int:core_value_id>/", views.value_edit, name="value_edit"),
    path(f"{FRAMEWORK}varden/<int:core_value_id>/flytta/", views.value_move, name="value_move"),
    path(
        f"{FRAMEWORK}varden/<int:core_value_id>/ta-bort/", views.value_delete, name="value_delete"
    ),
    path(
        f"{FRAMEWORK}varden/<int:core_value_id>/beteenden/ny/",
        views.behaviour_add,
        name="behaviour_add",
    ),
    path(f"{FRAMEWORK}beteenden/<int:behaviour_id>/", views.behaviour_edit, name="behaviour_edit"),
    path(
        f"{FRAMEWORK}beteenden/<int:behaviour_id>/flytta/",
        views.behaviour_move,
        name="behaviour_move",
    ),
    path(
        f"{FRAMEWORK}beteenden/<int:behaviour_id>/ta-bort/",
        views.behaviour_delete,
        name="behaviour_delete",
    ),
    # The public page of the organisation's current värdegrund, and its PDF: no account.
    path("vardegrund/<slug:org>/", views.public, name="public"),
    path("vardegrund/<slug:org>/vardegrund.pdf", views.public_pdf, name="public_pdf"),
]
