"""When each password was set (for the 90-day change rule); existing accounts count from this migration."""

from django.db import migrations, models
from django.utils import timezone


def start_the_clock(apps, schema_editor):
    apps.get_model("orgs", "User")._base_manager.filter(password_changed_at__isnull=True).update(
        password_changed_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_user_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="密码修改时间"),
        ),
        migrations.RunPython(start_the_clock, migrations.RunPython.noop),
    ]
