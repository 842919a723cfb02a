"""Re-encrypt every encrypted field with the current (first) key of XIAOAN_DATA_KEYS, in batches."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from xiaoan.core.crypto import EncryptedCharField, keyring

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current data key (run after putting a new key first)."

    def handle(self, *args, **options) -> None:
        current = keyring().current_id + ":"
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
            if not fields:
                continue
            manager = model._default_manager
            rows = manager.system("re-encrypting with the current key") if hasattr(manager, "system") else manager
            done = 0
            for field in fields:
                stale = rows.exclude(**{field.name: ""}).exclude(**{f"{field.name}__startswith": current})
                while True:
                    batch = list(stale.only("pk", field.name)[:BATCH])  # reading decrypts with the old key
                    if not batch:
                        break
                    with transaction.atomic():
                        model._default_manager.bulk_update(batch, [field.name])  # saving encrypts with the current key
                    done += len(batch)
            self.stdout.write(f"{model._meta.label}: {done}")
