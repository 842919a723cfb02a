from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("education", "0001_initial"), DJANGO_Q]

    # daily: remind schools of theme days coming up; idempotent per occurrence, so catch-up runs are harmless
    operations = [
        periodic_job("education.remind_theme_days", "xiaoan.education.tasks.remind_theme_days", minutes=24 * 60)
    ]
