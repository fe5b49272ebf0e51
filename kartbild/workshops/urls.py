from django.urls import path

from kartbild.workshops import live_views, participate, views

app_name = "workshops"
urlpatterns = [
    # Planning: organisation admins; facilitators see and run their own sessions.
    path("o/<slug:org>/dialog/", views.index, name="index"),
    path("o/<slug:org>/dialog/ny/", views.create, name="create"),
    path("o/<slug:org>/dialog/tackning/", views.coverage, name="coverage"),
    path("o/<slug:org>/dialog/narvaro.csv", views.attendance_csv, name="attendance_csv"),
    path("o/<slug:org>/dialog/<int:workshop_id>/", views.detail, name="detail"),
    path("o/<slug:org>/dialog/tillfalle/<int:session_id>/", views.session_detail, name="session"),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/narvaro/",
        views.attendance,
        name="attendance",
    ),
    # Running a live session.
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/live/", live_views.console, name="console"
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/live/lage/",
        live_views.console_fragment,
        name="console_fragment",
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/projektor/",
        live_views.projector,
        name="projector",
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/projektor/lage/",
        live_views.projector_fragment,
        name="projector_fragment",
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/sammanfattning/",
        live_views.summary,
        name="summary",
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/sammanfattning.pdf",
        live_views.summary_pdf,
        name="summary_pdf",
    ),
    path(
        "o/<slug:org>/dialog/tillfalle/<int:session_id>/atgarder/<int:action_id>/",
        live_views.action_status,
        name="action_status",
    ),
    # Participants: no account, no personal data in the address.
    path("w/", participate.enter, name="enter"),
    path("w/<str:code>/", participate.room, name="room"),
    path("w/<str:code>/lage.json", participate.state, name="state"),
]
