"""Beat's two daily tasks, as django-celery-beat rows so their times are edited in the admin.

Statuses are recomputed at 00:05, so a response that became overdue at midnight shows as
such; the sweep runs at 07:00, before the working day, in the site's TIME_ZONE.
"""

from django.conf import settings
from django.db import migrations

PERIODIC_TASKS = [
    {
        "name": "Recompute target statuses",
        "task": "recommendations.tasks.recompute_statuses",
        "minute": "5",
        "hour": "0",
        "description": "Refresh every stored status, so response_overdue appears as dates pass.",
    },
    {
        "name": "Reminder sweep",
        "task": "recommendations.tasks.reminders_sweep",
        "minute": "0",
        "hour": "7",
        "description": "Record the reminders that are due and send each recipient a digest.",
    },
]


def create_periodic_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task in PERIODIC_TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=task["minute"],
            hour=task["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=task["name"],
            defaults={
                "task": task["task"],
                "crontab": schedule,
                "description": task["description"],
            },
        )


def delete_periodic_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[task["name"] for task in PERIODIC_TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0006_editors_reminder_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, delete_periodic_tasks)]
