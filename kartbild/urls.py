from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("kartbild.organisations.urls")),
    path("", include("kartbild.accounts.urls")),
    path("", include("kartbild.catalogue.urls")),
    path("", include("kartbild.mappings.urls")),
    path("", include("kartbild.privacy.urls")),
    path("", include("kartbild.reports.urls")),
    path("", include("kartbild.workshops.urls")),
    path("", include("kartbild.steering.urls")),
    path("", include("kartbild.corevalues.urls")),
    path("", include("kartbild.followups.urls")),
    path("sprak/", set_language, name="set_language"),
]
