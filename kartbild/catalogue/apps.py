from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "kartbild.catalogue"
    verbose_name = "Värdekatalog"
