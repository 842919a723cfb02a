from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "xiaoan.compliance"
    label = "compliance"
