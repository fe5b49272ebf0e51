from django.urls import path

from kartbild.mappings import access_views, respond, views

app_name = "mappings"
urlpatterns = [
    # Staff
    path("o/<slug:org>/kartlaggningar/ny/", views.create, name="create"),
    path("o/<slug:org>/kartlaggningar/<int:mapping_id>/", views.detail, name="detail"),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/installningar/",
        views.configure,
        name="configure",
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/status/", views.change_status, name="status"
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/svarsfrekvens/",
        views.response_rates,
        name="rates",
    ),
    path("o/<slug:org>/kartlaggningar/<int:mapping_id>/resultat/", views.results, name="results"),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/pappersenkater/",
        views.paper_import,
        name="paper_import",
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/koder/", access_views.batches, name="batches"
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/koder/<int:batch_id>.csv",
        access_views.batch_csv,
        name="batch_csv",
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/koder/<int:batch_id>.pdf",
        access_views.batch_pdf,
        name="batch_pdf",
    ),
    path(
        "o/<slug:org>/kartlaggningar/<int:mapping_id>/qr/<str:perspective>.<str:fmt>",
        access_views.qr_code,
        name="qr",
    ),
    # Respondents: no account, no personal data in the address.
    path("svara/<str:token>/", respond.start, name="start"),
    path("kod/", respond.enter_code, name="code"),
    path("svar/<str:key>/<int:step>/", respond.step, name="step"),
    path("svar/<str:key>/bakgrund/", respond.background, name="background"),
    path("svar/<str:key>/skicka/", respond.submit, name="submit"),
    path("tack/", respond.thanks, name="thanks"),
]
