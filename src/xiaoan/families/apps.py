from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "xiaoan.families"
    label = "families"
