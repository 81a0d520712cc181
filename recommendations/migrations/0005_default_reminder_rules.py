"""The default reminder rules; editors change or switch them off in the admin."""

from django.db import migrations

DEFAULT_RULES = [
    {"name": "Response due in 14 days", "trigger": "response_due_soon", "days": 14},
    {
        "name": "Response overdue, every 30 days",
        "trigger": "response_overdue",
        "days": 1,
        "repeat_days": 30,
    },
    {"name": "No assessment for 180 days", "trigger": "no_assessment", "days": 180},
    {"name": "Follow-up due in 30 days", "trigger": "follow_up_due", "days": 30},
    {"name": "Event in 14 days", "trigger": "event_soon", "days": 14},
]


def create_default_rules(apps, schema_editor):
    ReminderRule = apps.get_model("recommendations", "ReminderRule")
    for rule in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(name=rule["name"], defaults=rule)


def delete_default_rules(apps, schema_editor):
    ReminderRule = apps.get_model("recommendations", "ReminderRule")
    ReminderRule.objects.filter(name__in=[rule["name"] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0004_reminders")]

    operations = [migrations.RunPython(create_default_rules, delete_default_rules)]
