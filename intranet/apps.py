from django.apps import AppConfig


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = "Intranet"

    def ready(self):
        from .metrics import connect_task_signals

        connect_task_signals()
