from django.urls import path

from kartbild.reports import views
from kartbild.reports.exports import views as exports

app_name = "reports"

KARTBILD = "o/<slug:org>/kartlaggningar/<int:mapping_id>/kartbild/"

urlpatterns = [
    path(KARTBILD, views.overview, name="overview"),
    path(f"{KARTBILD}perspektiv/<str:perspective>/", views.perspective, name="perspective"),
    path(f"{KARTBILD}enhet/<int:unit_id>/", views.unit, name="unit"),
    path(f"{KARTBILD}jamfor/perspektiv/", views.compare_perspectives, name="compare_perspectives"),
    path(f"{KARTBILD}jamfor/enheter/", views.compare_units, name="compare_units"),
    path(f"{KARTBILD}jamfor/tidigare/", views.compare_rounds, name="compare_rounds"),
    path(f"{KARTBILD}jamfor/referens/", views.compare_reference, name="compare_reference"),
    # Exports and dialogue guides (kartbild/reports/exports/views.py).
    path(f"{KARTBILD}export/", exports.exports, name="exports"),
    path(f"{KARTBILD}export/status/", exports.status, name="export_status"),
    path(f"{KARTBILD}export/<int:job_id>/", exports.download, name="export_download"),
    path(f"{KARTBILD}samtalsunderlag/", exports.guide_index, name="guides"),
    path(f"{KARTBILD}samtalsunderlag/<str:perspective>/", exports.guide, name="guide"),
]
