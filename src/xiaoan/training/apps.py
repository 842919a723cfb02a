from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "xiaoan.training"
    label = "training"
