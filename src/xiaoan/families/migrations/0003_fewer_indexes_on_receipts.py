"""Fewer indexes on the tables every confirmation writes (decision 58).

A confirmation changes the receipt's state, an indexed column, so PostgreSQL writes an entry into every index of
the receipt table; the single-column indexes on letter and unit duplicate the leading columns of the unique
(letter, pupil) and of (unit, letter). The class tallies change only a counter: with free room on their pages
(fillfactor 70) PostgreSQL updates them in place of the page (HOT), writing no index entry at all.
"""

import django.db.models.deletion
from django.db import migrations, models


def tally_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE families_receipttally SET (fillfactor = 70)")


def tally_fillfactor_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE families_receipttally RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0002_sms_retry_schedule"),
        ("orgs", "0004_user_password_changed_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="receipt",
            name="letter",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="receipts",
                to="families.letter",
                verbose_name="信件",
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.unit",
                verbose_name="学校",
            ),
        ),
        migrations.AlterField(
            model_name="receipttally",
            name="letter",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tallies",
                to="families.letter",
                verbose_name="信件",
            ),
        ),
        migrations.AlterField(
            model_name="receipttally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.unit",
                verbose_name="学校",
            ),
        ),
        migrations.RunPython(tally_fillfactor, tally_fillfactor_default),
    ]
