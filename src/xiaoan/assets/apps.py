from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "xiaoan.assets"
    label = "assets"
