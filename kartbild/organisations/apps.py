from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "kartbild.organisations"
    verbose_name = "Organisationer"
