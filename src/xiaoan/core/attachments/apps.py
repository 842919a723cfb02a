from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "xiaoan.core.attachments"
    label = "attachments"
