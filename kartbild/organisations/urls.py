from django.urls import path

from kartbild.organisations import accessibility, views

app_name = "organisations"
urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path("o/<slug:org>/enheter/", views.units, name="units"),
    path("o/<slug:org>/enheter/ny/", views.unit_edit, name="unit_add"),
    path("o/<slug:org>/enheter/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("o/<slug:org>/enheter/import/", views.unit_import, name="unit_import"),
    path("tillganglighet/", accessibility.service_statement, name="service_accessibility"),
    path("o/<slug:org>/tillganglighet/", accessibility.statement, name="accessibility"),
    path(
        "o/<slug:org>/tillganglighet/kontakt/",
        accessibility.edit_statement,
        name="accessibility_edit",
    ),
]
