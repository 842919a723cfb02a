from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "xiaoan.core.attachments"
    label = "attachments"
    verbose_name = "附件 Attachments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Attachment

        auditlog.register(Attachment)
