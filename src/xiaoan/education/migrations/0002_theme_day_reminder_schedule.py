from django.db import migrations


def create_schedule(apps, schema_editor):
    from xiaoan.core.tasks import ensure_schedule

    # daily: remind schools of theme days coming up; idempotent per occurrence, so catch-up runs are harmless
    ensure_schedule("education.remind_theme_days", "xiaoan.education.tasks.remind_theme_days", minutes=24 * 60)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="education.remind_theme_days").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
