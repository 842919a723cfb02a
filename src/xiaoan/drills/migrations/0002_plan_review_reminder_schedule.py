from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("drills", "0001_initial"), DJANGO_Q]

    operations = [
        periodic_job("drills.remind_plan_reviews", "xiaoan.drills.tasks.remind_plan_reviews", minutes=24 * 60)
    ]
