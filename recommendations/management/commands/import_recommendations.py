from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommendations.choices import ImportFormat
from recommendations.importers.core import ImportFileError, ImportOptions
from recommendations.importers.services import recommendations_import


class Command(BaseCommand):
    help = (
        "Import recommendations from a UPR Info CSV, an OHCHR UPR matrix (.docx), a UHRI "
        "Excel export or the tracker's own CSV/XLSX. Good rows are kept; every bad row is "
        "reported, and the exit code is 1 when there is any; 2 when the file is refused whole "
        "(unreadable, or over a limit: docs/importing.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=ImportFormat.values,
            default="",
            help="The file's format; recognised from its contents when not given.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing (a rolled-back transaction) and print the same report.",
        )
        parser.add_argument(
            "--state-under-review",
            default="",
            help="OHCHR matrices: the state under review (name or ISO code), if the file "
            "does not say.",
        )
        parser.add_argument(
            "--report-symbol",
            default="",
            help="OHCHR matrices: the Working Group report's symbol, e.g. A/HRC/40/6.",
        )
        parser.add_argument(
            "--session", type=int, help="OHCHR matrices: the UPR session, if the file does not say."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        with self._progress_bar() as progress:
            try:
                report = recommendations_import(
                    file_name=file.name,
                    content=content,
                    format=options["format"],
                    options=ImportOptions(
                        state_under_review=options["state_under_review"],
                        report_symbol=options["report_symbol"],
                        upr_session=options["session"],
                    ),
                    dry_run=dry_run,
                    progress=progress,
                )
            except ImportFileError as error:
                # Nothing was imported: one line saying why, exit status 2.
                raise CommandError(f"{file.name}: {error}", returncode=2) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            bad_rows = len({error.row for error in report.errors})
            raise CommandError(f"{bad_rows} rows were not imported.", returncode=1)

    def _progress_bar(self):
        """A progress bar on a terminal only: logs and pipes get the report alone."""
        return _Bar(enabled=self.stdout.isatty())


class _Bar:
    def __init__(self, *, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, unit="rows", desc="Importing")
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
