from django.apps import AppConfig


class DrillsConfig(AppConfig):
    name = "xiaoan.drills"
    label = "drills"
