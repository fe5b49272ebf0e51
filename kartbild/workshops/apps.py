from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "kartbild.workshops"
    verbose_name = "Dialog"
