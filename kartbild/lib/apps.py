from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared template filters and helpers; no models."""

    name = "kartbild.lib"
