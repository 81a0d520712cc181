"""A stored search vector, and the full-text GIN index of 0008 moved onto it."""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

import recommendations.models

EXPRESSION_INDEX = GinIndex(
    SearchVector("text", config="english"), name="recommendation_text_search"
)
COLUMN_INDEX = GinIndex(fields=["search_vector"], name="recommendation_search_vector")


def index_the_column(apps, schema_editor):
    model = apps.get_model("recommendations", "Recommendation")
    schema_editor.remove_index(model, EXPRESSION_INDEX)
    schema_editor.add_index(model, COLUMN_INDEX)


def index_the_expression(apps, schema_editor):
    model = apps.get_model("recommendations", "Recommendation")
    schema_editor.remove_index(model, COLUMN_INDEX)
    schema_editor.add_index(model, EXPRESSION_INDEX)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0013_editors_import_permissions")]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=recommendations.models.TextSearchVector("text", config="english"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(index_the_column, index_the_expression),
    ]
