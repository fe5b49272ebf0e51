from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kartbild.demo"
    verbose_name = "Demo"
