from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "kartbild.mappings"
    verbose_name = "Kartläggningar"
