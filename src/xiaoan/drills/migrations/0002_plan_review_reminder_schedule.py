from django.db import migrations


def create_schedule(apps, schema_editor):
    from xiaoan.core.tasks import ensure_schedule

    ensure_schedule("drills.remind_plan_reviews", "xiaoan.drills.tasks.remind_plan_reviews", minutes=24 * 60)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="drills.remind_plan_reviews").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("drills", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
