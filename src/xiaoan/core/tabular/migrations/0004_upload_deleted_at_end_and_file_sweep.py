from django.db import migrations, models


def create_schedule(apps, schema_editor):
    from xiaoan.core.tasks import ensure_schedule

    ensure_schedule("core.sweep_files", "xiaoan.core.filesweep.sweep_files", minutes=24 * 60)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="core.sweep_files").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tabular", "0003_job_acting_as"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        # the upload is deleted when the job ends (decision 56)
        migrations.AlterField(
            model_name="importjob",
            name="upload",
            field=models.FileField(blank=True, upload_to="imports/%Y/%m/", verbose_name="上传文件"),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
