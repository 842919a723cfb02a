from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("tabular", "0001_initial"), DJANGO_Q]

    operations = [
        periodic_job("tabular.reap_stuck_imports", "xiaoan.core.tabular.tasks.reap_stuck_imports", minutes=10)
    ]
