from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiaoan.core.audit"
    label = "audit"
