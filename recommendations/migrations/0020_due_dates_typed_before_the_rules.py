"""Due dates stored before the UN calendar's rules were typed by editors (or given by an
imported file, which the rows do not tell apart): they are kept as the editor's, so that no
recomputation replaces a date somebody chose. An editor hands one to the rule by unticking
"set by an editor"."""

from django.db import migrations


def mark_typed(apps, schema_editor):
    Target = apps.get_model("recommendations", "Target")
    for name in ("response_due", "follow_up_due"):
        Target.objects.filter(**{f"{name}__isnull": False}).update(
            **{f"{name}_overridden": True, f"{name}_rule": "editor"}
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0019_upr_calendar_and_grade_mappings")]

    operations = [migrations.RunPython(mark_typed, migrations.RunPython.noop)]
