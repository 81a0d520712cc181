"""The Editors group: add, change and view on the domain models; deleting stays with superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
DOMAIN_MODELS = [
    "body",
    "state",
    "organization",
    "document",
    "theme",
    "recommendation",
    "target",
    "response",
    "assessment",
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for label in ("auth", "recommendations"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model}" for model in DOMAIN_MODELS for action in ("add", "change", "view")
    ]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=codenames
        )
    )
    # Owners and watchers are picked from the users: the autocomplete needs to see them.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename="view_user")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0002_load_states"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, migrations.RunPython.noop)]
