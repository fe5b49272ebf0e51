from django.contrib.auth import views as auth_views
from django.urls import path

from kartbild.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on: 404 unless OIDC_RP_CLIENT_ID is set.
    path("logga-in/sso/", oidc.oidc_login, name="oidc_login"),
    path("logga-in/sso/svar/", oidc.oidc_callback, name="oidc_callback"),
    path("konto/losenord/", views.ChangePasswordView.as_view(), name="password_change"),
    # The invitation link of an account created without a password.
    path(
        "konto/valj-losenord/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="set_password",
    ),
    path("o/<slug:org>/konton/", views.members, name="members"),
    path("o/<slug:org>/konton/ny/", views.member_add, name="member_add"),
    path("o/<slug:org>/konton/<int:membership_id>/", views.member_edit, name="member_edit"),
    path(
        "o/<slug:org>/konton/<int:membership_id>/aktiv/",
        views.member_active,
        name="member_active",
    ),
    path("o/<slug:org>/logg/", views.audit_log, name="audit_log"),
    path("natverk/<slug:network>/", views.network, name="network"),
    path("system/", views.system, name="system"),
    path("system/natverk/", views.system_networks, name="system_networks"),
]
