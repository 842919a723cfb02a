from django.apps import AppConfig


class TabularConfig(AppConfig):
    name = "xiaoan.core.tabular"
    label = "tabular"
