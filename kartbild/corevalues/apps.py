from django.apps import AppConfig


class CoreValuesConfig(AppConfig):
    name = "kartbild.corevalues"
    verbose_name = "Värdegrund"
