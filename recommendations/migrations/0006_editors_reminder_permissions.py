"""Editors manage events, reminder rules and reminders: add, change, view; never delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
REMINDER_MODELS = ["event", "reminderrule", "reminder"]


def grant_reminder_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("recommendations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model}" for model in REMINDER_MODELS for action in ("add", "change", "view")
    ]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0005_default_reminder_rules"),
        ("recommendations", "0003_editors_group"),
    ]

    operations = [migrations.RunPython(grant_reminder_permissions, migrations.RunPython.noop)]
