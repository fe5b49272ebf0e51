from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "kartbild.steering"
    verbose_name = "Styrning"
