"""The GIN index behind the API's full-text search, on the text's expression (migration 0014
moves it onto the stored vector). It stays out of the model's Meta.indexes, as it was created."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The same expression as models.recommendation_search_vector(): the planner uses the index
# only for a query with the identical expression.
INDEX = GinIndex(SearchVector("text", config="english"), name="recommendation_text_search")


def create_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("recommendations", "Recommendation"), INDEX)


def drop_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("recommendations", "Recommendation"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_reminder_periodic_tasks")]

    operations = [migrations.RunPython(create_index, drop_index)]
