from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "xiaoan.students"
    label = "students"
