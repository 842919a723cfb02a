from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial"), DJANGO_Q]

    operations = [periodic_job("families.retry_failed_sms", "xiaoan.families.tasks.retry_failed_sms", minutes=2)]
