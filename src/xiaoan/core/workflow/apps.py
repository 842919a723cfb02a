from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xiaoan.core.workflow"
    label = "workflow"
