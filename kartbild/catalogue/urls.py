from django.urls import path

from kartbild.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("o/<slug:org>/katalog/", views.catalogues, name="list"),
    path("o/<slug:org>/katalog/<int:catalogue_id>/", views.detail, name="detail"),
    path("o/<slug:org>/katalog/<int:catalogue_id>/nytt-varde/", views.add_value, name="add_value"),
    path(
        "o/<slug:org>/katalog/<int:catalogue_id>/varden/<int:value_id>/dolj/",
        views.toggle_hidden,
        name="toggle_hidden",
    ),
]
