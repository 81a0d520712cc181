from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0010_recommendation_provenance")]

    operations = [
        migrations.CreateModel(
            name="AffectedGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=255, unique=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.AddField(
            model_name="recommendation",
            name="affected_groups",
            field=models.ManyToManyField(
                blank=True,
                help_text="The people it concerns ('affected persons' in UHRI and OHCHR matrices).",
                related_name="recommendations",
                to="recommendations.affectedgroup",
            ),
        ),
    ]
