"""Search as campaigners mean it (docs/search.md): a text search configuration of our own
(English stemming after unaccent), the synonym rules the queries are rewritten with (from
recommendations/search/synonyms.csv), and the metadata's names in the search vector, weighted
below the text.

PostgreSQL cannot change a generated column's expression (before 17): the vector is dropped
with its GIN index and added again, reading every row's text and metadata once (minutes at a
million). The metadata is written before, so that the vector is computed once.
"""

import django.contrib.postgres.search
import django.db.models.functions.text
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import recommendations.models
from recommendations.search import SEARCH_CONFIG
from recommendations.search.metadata import search_metadata_write_all
from recommendations.search.synonyms import SYNONYM_TABLE, synonyms_load

COLUMN_INDEX = GinIndex(fields=["search_vector"], name="recommendation_search_vector")

# unaccent is a filtering dictionary: it passes the word on without its accents, for the
# English stemmer to stem ("Türkiye" and "Turkiye" both become turkiy). Only the token types
# that can hold letters other than ASCII need it.
CONFIGURATION_SQL = f"""
CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""

SYNONYM_TABLE_SQL = f"""
CREATE TABLE {SYNONYM_TABLE} (
    id serial PRIMARY KEY,
    kind text NOT NULL,
    term text NOT NULL,
    target tsquery NOT NULL,
    placeholder tsquery NOT NULL,
    substitute tsquery NOT NULL
);
"""


def index_the_column(apps, schema_editor):
    schema_editor.add_index(apps.get_model("recommendations", "Recommendation"), COLUMN_INDEX)


def load_synonyms(apps, schema_editor):
    synonyms_load(schema_editor.connection)


def write_metadata(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        search_metadata_write_all(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0029_field_visibility"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CONFIGURATION_SQL, f"DROP TEXT SEARCH CONFIGURATION {SEARCH_CONFIG};"),
        migrations.RunSQL(SYNONYM_TABLE_SQL, f"DROP TABLE {SYNONYM_TABLE};"),
        migrations.RunPython(load_synonyms, migrations.RunPython.noop),
        migrations.AddField(
            model_name="recommendation",
            name="search_parties",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_topics",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(write_metadata, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, index_the_column),
        migrations.RemoveField(model_name="recommendation", name="search_vector"),
        migrations.AddField(
            model_name="recommendation",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        recommendations.models.TextSearchVector(
                            django.db.models.functions.text.Left("text", 120000),
                            config="tracker",
                            weight="A",
                        ),
                        "||",
                        recommendations.models.TextSearchVector(
                            "search_topics", config="tracker", weight="C"
                        ),
                        django.contrib.postgres.search.SearchConfig("tracker"),
                    ),
                    "||",
                    recommendations.models.TextSearchVector(
                        "search_parties", config="tracker", weight="D"
                    ),
                    django.contrib.postgres.search.SearchConfig("tracker"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(index_the_column, migrations.RunPython.noop),
    ]
