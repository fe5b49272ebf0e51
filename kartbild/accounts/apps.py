from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kartbild.accounts"
    verbose_name = "Konton"
