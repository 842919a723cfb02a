from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "xiaoan.hazards"
    label = "hazards"
