from django.apps import AppConfig


class FollowUpsConfig(AppConfig):
    name = "kartbild.followups"
    verbose_name = "Uppföljning"
