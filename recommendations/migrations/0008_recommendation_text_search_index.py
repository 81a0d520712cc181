"""The GIN index behind the API's full-text search; PostgreSQL only.

SQLite has no to_tsvector, and the API falls back to a containment match there. The index
is therefore created here on PostgreSQL and kept out of the model's Meta.indexes: in the
migration state it would be rebuilt by every later SQLite table remake, and fail.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The same expression as models.recommendation_search_vector(): the planner uses the index
# only for a query with the identical expression.
INDEX = GinIndex(SearchVector("text", config="english"), name="recommendation_text_search")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("recommendations", "Recommendation"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("recommendations", "Recommendation"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_reminder_periodic_tasks")]

    operations = [migrations.RunPython(create_index, drop_index)]
