from django.urls import path

from kartbild.privacy import views

app_name = "privacy"
urlpatterns = [
    # Public: anyone asked to answer can read how their answers are handled.
    path("integritet/<slug:org>/", views.notice, name="notice"),
    path("o/<slug:org>/integritet/", views.settings_page, name="settings"),
    path("o/<slug:org>/integritet/export/", views.export, name="export"),
    path("o/<slug:org>/integritet/radera/", views.delete, name="delete"),
    path("raderad/", views.deleted, name="deleted"),
]
