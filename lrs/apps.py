from django.apps import AppConfig


class LrsConfig(AppConfig):
    name = "lrs"
    verbose_name = "Learning Record Store"

    def ready(self):
        from .credentials import register_key_checker
        from .launch import launch_principal

        register_key_checker(launch_principal)
