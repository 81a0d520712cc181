"""The GIN index behind the API's full-text search; PostgreSQL only.

SQLite has no to_tsvector, and the API falls back to a containment match there, so the
index is created on PostgreSQL and only recorded in the migration state elsewhere.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_reminder_periodic_tasks"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="recommendation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("text", config="english"),
                name="recommendation_text_search",
            ),
        ),
    ]
