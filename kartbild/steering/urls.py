from django.urls import path

from kartbild.steering import views

app_name = "steering"
urlpatterns = [
    path("o/<slug:org>/styrning/", views.index, name="index"),
    path("o/<slug:org>/styrning/mal/nytt/", views.goal_add, name="goal_add"),
    path("o/<slug:org>/styrning/mal/<int:goal_id>/", views.goal_detail, name="goal"),
    path("o/<slug:org>/styrning/mal/<int:goal_id>/andra/", views.goal_edit, name="goal_edit"),
    path("o/<slug:org>/styrning/mal/<int:goal_id>/ta-bort/", views.goal_delete, name="goal_delete"),
    path(
        "o/<slug:org>/styrning/mal/<int:goal_id>/ny-indikator/",
        views.indicator_add,
        name="indicator_add",
    ),
    path(
        "o/<slug:org>/styrning/indikator/<int:indicator_id>/",
        views.indicator_detail,
        name="indicator",
    ),
    path(
        "o/<slug:org>/styrning/indikator/<int:indicator_id>/andra/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "o/<slug:org>/styrning/indikator/<int:indicator_id>/ta-bort/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path("o/<slug:org>/styrning/atgarder/", views.action_list, name="actions"),
    path("o/<slug:org>/styrning/atgarder/ny/", views.action_add, name="action_add"),
    path("o/<slug:org>/styrning/atgarder/<int:action_id>/", views.action_edit, name="action_edit"),
    path("o/<slug:org>/styrning/uppfoljning/", views.follow_up, name="follow_up"),
    path("o/<slug:org>/kompass/", views.compass_page, name="compass"),
]
