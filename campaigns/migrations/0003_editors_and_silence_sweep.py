"""Editors add, change and view campaigns, their links and silence reviews, and view the
silence alerts; deleting stays with superusers, as for the other domain models. And beat's
daily silence sweep, at 07:15, after the reminder sweep."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MODELS = ["campaign", "campaignlink", "mentionreview"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("campaigns")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaigns",
            codename__in=[*codenames, "view_silencealert"],
        )
    )


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name="Silence sweep",
        defaults={
            "task": "campaigns.tasks.silence_sweep",
            "crontab": crontab,
            "description": "Alert campaign staff when a watched actor has been silent too long.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="Silence sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_trigram_extension"),
        ("recommendations", "0003_editors_group"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
