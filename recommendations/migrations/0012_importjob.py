import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0011_affected_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=255)),
                ("content", models.BinaryField()),
                (
                    "format",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("upr-info", "UPR Info database export (CSV)"),
                            ("ohchr-matrix", "OHCHR matrix of UPR recommendations (.docx)"),
                            ("uhri", "Universal Human Rights Index export (.xlsx)"),
                            ("csv", "Tracker export (CSV)"),
                            ("xlsx", "Tracker export (XLSX)"),
                        ],
                        help_text="Leave blank to recognise it from the file.",
                        max_length=20,
                    ),
                ),
                (
                    "report_symbol",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "OHCHR matrices: the Working Group report's symbol, e.g. A/HRC/40/6."
                        ),
                        max_length=100,
                    ),
                ),
                (
                    "upr_session",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="OHCHR matrices: the UPR session, when the file does not say.",
                        null=True,
                        verbose_name="UPR session",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("checking", "Checking (a dry run)"),
                            ("checked", "Checked: waiting for confirmation"),
                            ("importing", "Importing"),
                            ("done", "Imported"),
                            ("failed", "Failed"),
                        ],
                        default="checking",
                        max_length=20,
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                (
                    "preview",
                    models.JSONField(blank=True, help_text="The dry run's report.", null=True),
                ),
                (
                    "report",
                    models.JSONField(blank=True, help_text="The import's report.", null=True),
                ),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="import_jobs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "state_under_review",
                    models.ForeignKey(
                        blank=True,
                        help_text=(
                            "OHCHR matrices: the state under review, when the file does not say."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recommendations.state",
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-pk"]},
        ),
    ]
