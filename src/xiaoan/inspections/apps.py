from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "xiaoan.inspections"
    label = "inspections"
