from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the tables against writes: each is a pass over a large table.
    atomic = False

    dependencies = [
        ("recommendations", "0031_reminder_changes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="recommendation",
            index=models.Index(
                fields=["id"],
                include=["document", "issued_by"],
                name="recommendation_document_issuer",
            ),
        ),
        AddIndexConcurrently(
            model_name="target",
            index=models.Index(
                fields=["state"], include=["recommendation"], name="target_state_recommendation"
            ),
        ),
    ]
