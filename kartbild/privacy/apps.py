from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kartbild.privacy"
    verbose_name = "Integritet"
