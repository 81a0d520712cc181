from django.core.management.base import BaseCommand
from django.db import connection, transaction

from recommendations.search.metadata import search_metadata_write_all
from recommendations.search.synonyms import synonyms_load


class Command(BaseCommand):
    help = (
        "Load recommendations/search/synonyms.csv into the rules every search is rewritten "
        "with (after a change to the file), and write every recommendation's metadata names "
        "into its search vector (after writes that bypassed the services, such as a COPY)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synonyms-only", action="store_true", help="Load the synonyms; leave the vectors."
        )

    def handle(self, *args, synonyms_only: bool, **options):
        with transaction.atomic():
            rules = synonyms_load(connection)
        self.stdout.write(f"{rules} synonym rules loaded.")
        if synonyms_only:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            changed = search_metadata_write_all(cursor)
        self.stdout.write(f"{changed} recommendations' search metadata written.")
