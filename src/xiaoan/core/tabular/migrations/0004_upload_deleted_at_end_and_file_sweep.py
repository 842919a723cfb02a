from django.db import migrations, models

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job


class Migration(migrations.Migration):
    dependencies = [("tabular", "0003_job_acting_as"), DJANGO_Q]

    operations = [
        # the upload is deleted when the job ends (decision 56)
        migrations.AlterField(
            model_name="importjob",
            name="upload",
            field=models.FileField(blank=True, upload_to="imports/%Y/%m/", verbose_name="上传文件"),
        ),
        periodic_job("core.sweep_files", "xiaoan.core.filesweep.sweep_files", minutes=24 * 60),
    ]
