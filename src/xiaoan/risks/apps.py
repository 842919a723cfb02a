from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "xiaoan.risks"
    label = "risks"
