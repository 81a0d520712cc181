"""pg_trgm, for the suggestions' similarity of texts (selectors.suggestions). PostgreSQL's
contrib ships it: the embedded server's wheel and Debian's postgresql-15 both have it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [TrigramExtension()]
