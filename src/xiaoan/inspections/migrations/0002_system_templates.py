"""The checklists every installation starts with: system templates (no owner), visible to all units."""

from django.db import migrations


def create_templates(apps, schema_editor):
    from xiaoan.inspections.seeding import install_system_templates

    install_system_templates(
        *(apps.get_model("inspections", name) for name in ("ChecklistTemplate", "TemplateVersion", "Section", "Item"))
    )


def remove_templates(apps, schema_editor):
    from xiaoan.inspections.catalogue import SYSTEM_TEMPLATES

    Template = apps.get_model("inspections", "ChecklistTemplate")
    codes = [spec["code"] for spec in SYSTEM_TEMPLATES]
    Template.objects.filter(code__in=codes, owner__isnull=True, versions__inspections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(create_templates, remove_templates)]
