"""Editors may add, change and view affected groups and import jobs (upload and confirm imports);
deleting stays with superusers, as 0003 set for the other domain models."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MODELS = ["affectedgroup", "importjob"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("recommendations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0012_importjob"),
        ("recommendations", "0003_editors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
