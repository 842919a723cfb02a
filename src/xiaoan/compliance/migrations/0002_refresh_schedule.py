from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial"), DJANGO_Q]

    operations = [periodic_job("compliance.refresh_all", "xiaoan.compliance.tasks.refresh_all", minutes=60)]
