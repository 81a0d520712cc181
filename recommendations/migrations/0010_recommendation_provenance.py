from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0009_upr_info_state_names")]

    operations = [
        migrations.AddField(
            model_name="historicalrecommendation",
            name="imported_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="source_file",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="source_format",
            field=models.CharField(
                blank=True,
                choices=[
                    ("upr-info", "UPR Info database export (CSV)"),
                    ("ohchr-matrix", "OHCHR matrix of UPR recommendations (.docx)"),
                    ("uhri", "Universal Human Rights Index export (.xlsx)"),
                    ("csv", "Tracker export (CSV)"),
                    ("xlsx", "Tracker export (XLSX)"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="source_row",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="Its first row in the file (header: 1).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="imported_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="source_file",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="source_format",
            field=models.CharField(
                blank=True,
                choices=[
                    ("upr-info", "UPR Info database export (CSV)"),
                    ("ohchr-matrix", "OHCHR matrix of UPR recommendations (.docx)"),
                    ("uhri", "Universal Human Rights Index export (.xlsx)"),
                    ("csv", "Tracker export (CSV)"),
                    ("xlsx", "Tracker export (XLSX)"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="source_row",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="Its first row in the file (header: 1).",
                null=True,
            ),
        ),
    ]
