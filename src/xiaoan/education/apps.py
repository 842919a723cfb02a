from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "xiaoan.education"
    label = "education"
