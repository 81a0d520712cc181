"""The data version cached reads are keyed on (recommendations/data_version.py), with its
first token; beat's task that computes the dashboard's counts again after a write, every
minute; an index for the admin's search by paragraph."""

import uuid

from django.conf import settings
from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("recommendations", "DataVersion").objects.get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )


WARM_TASK = "Dashboard counts"


def create_warm_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = CrontabSchedule.objects.get_or_create(
        minute="*",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=WARM_TASK,
        defaults={
            "task": "recommendations.tasks.dashboard_stats_warm",
            "crontab": every_minute,
            "description": "After a write, compute the unfiltered /api/stats/ before anyone asks.",
        },
    )


def delete_warm_task(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=WARM_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0014_recommendation_search_vector"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["paragraph"], name="recommendation_paragraph"),
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
        migrations.RunPython(create_warm_task, delete_warm_task),
    ]
