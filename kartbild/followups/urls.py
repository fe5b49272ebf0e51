from django.urls import path

from kartbild.followups import respond, views

app_name = "followups"
PREFIX = "o/<slug:org>/uppfoljning/"
ROUND = PREFIX + "<int:follow_up_id>/"
urlpatterns = [
    # Staff
    path(PREFIX, views.index, name="index"),
    path(PREFIX + "ny/", views.create, name="create"),
    path(ROUND, views.detail, name="detail"),
    path(ROUND + "status/", views.change_status, name="status"),
    path(ROUND + "koder/", views.codes, name="codes"),
    path(ROUND + "koder/<int:batch_id>.csv", views.codes_csv, name="codes_csv"),
    path(ROUND + "pappersenkater/", views.paper_import, name="paper_import"),
    path(ROUND + "resultat/", views.results_view, name="results"),
    path(ROUND + "resultat/export.<str:fmt>", views.export, name="export"),
    path(ROUND + "resultat/enhet/<int:unit_id>/", views.unit_results, name="unit_results"),
    path(
        ROUND + "resultat/enhet/<int:unit_id>/export.<str:fmt>",
        views.unit_export,
        name="unit_export",
    ),
    # Respondents: no account, no personal data in the address.
    path("uppfoljning/svara/<str:token>/", respond.start, name="start"),
    path("uppfoljning/kod/", respond.enter_code, name="code"),
    path("uppfoljning/svar/<str:key>/", respond.answer, name="answer"),
    path("uppfoljning/tack/", respond.thanks, name="thanks"),
]
