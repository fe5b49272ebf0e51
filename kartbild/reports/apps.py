from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kartbild.reports"
    verbose_name = "Rapporter"
