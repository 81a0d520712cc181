import django.contrib.postgres.search
import django.core.validators
import django.db.models.functions.text
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import recommendations.models

# Texts may be 200,000 characters (TRACKER_TEXT_MAX_CHARS) and more; the search vector reads
# the first 120,000 (models.SEARCH_VECTOR_MAX_CHARS), which always fit PostgreSQL's 1 MB
# tsvector limit. The index of migration 0014, outside the migration state, goes with the column.
COLUMN_INDEX = GinIndex(fields=["search_vector"], name="recommendation_search_vector")


def index_the_column(apps, schema_editor):
    schema_editor.add_index(apps.get_model("recommendations", "Recommendation"), COLUMN_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0016_reminder_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="summary",
            field=models.TextField(
                blank=True,
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalassessment",
            name="summary",
            field=models.TextField(
                blank=True,
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="text",
            field=models.TextField(
                help_text="The recommendation, verbatim.",
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalresponse",
            name="text",
            field=models.TextField(
                blank=True,
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
        # PostgreSQL cannot change a generated column's expression: the column is dropped with
        # its GIN index and added again, computing every row's vector (minutes at a million).
        migrations.RunPython(migrations.RunPython.noop, index_the_column),
        migrations.RemoveField(model_name="recommendation", name="search_vector"),
        migrations.AddField(
            model_name="recommendation",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=recommendations.models.TextSearchVector(
                    django.db.models.functions.text.Left("text", 120000), config="english"
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(index_the_column, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recommendation",
            name="text",
            field=models.TextField(
                help_text="The recommendation, verbatim.",
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="text",
            field=models.TextField(
                blank=True,
                validators=[
                    django.core.validators.MaxLengthValidator(recommendations.models.text_max_chars)
                ],
            ),
        ),
    ]
