"""The count of a recommendation's targets of one status, in the targets' stats triggers,
reads its targets by the recommendation alone and counts the status among them: with stale
statistics (a table filling during an import) PostgreSQL also read the status index, every
target of that status, once per recommendation of the statement."""

from importlib import import_module

from django.db import migrations

stats_counts = import_module("recommendations.migrations.0033_stats_counts")

TARGETS_OF_STATUS = """
                SELECT count(*) FILTER (WHERE x.status = pair.status) FROM recommendations_target x
                WHERE x.recommendation_id = pair.recommendation_id
"""


def functions(targets_of_status: str) -> str:
    return "\n".join(
        "CREATE OR REPLACE "
        + stats_counts.trigger_function(
            f"stats_count_targets_{event.lower()}",
            stats_counts.target_body(event, targets_of_status),
        )
        for event in ("INSERT", "UPDATE", "DELETE")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0036_recommendation_newest"),
    ]

    operations = [
        migrations.RunSQL(functions(TARGETS_OF_STATUS), functions(stats_counts.TARGETS_OF_STATUS)),
    ]
