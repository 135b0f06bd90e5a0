from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "self_service"
