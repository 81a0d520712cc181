import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from recommendations import services
from recommendations.exports import EXPORT_COLUMNS, export_csv, export_xlsx, target_export_rows
from recommendations.models import Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def as_dicts(rows) -> list[dict[str, str]]:
    return [dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows]


def test_each_target_is_one_row_with_its_latest_response():
    target = TargetFactory(
        recommendation__document__symbol="A/HRC/25/CRP.1", recommendation__paragraph="1221 (a)"
    )
    services.response_create(target=target, position="noted", date=date(2019, 3, 1))
    services.response_create(target=target, position="rejected", date=date(2020, 3, 1))

    [row] = as_dicts(target_export_rows(Target.objects.all()))

    assert row["document_symbol"] == "A/HRC/25/CRP.1"
    assert row["paragraph"] == "1221 (a)"
    assert row["addressee_type"] == "state"
    assert row["addressee"] == "CHN"
    assert row["latest_position"] == "rejected"
    assert row["latest_response_date"] == "2020-03-01"
    assert row["status"] == "rejected"


def test_the_demo_exports_one_row_per_target_with_natural_keys_only():
    call_command("load_demo")

    rows = as_dicts(target_export_rows(Target.objects.all()))

    assert len(rows) == Target.objects.count()
    unhcr = [row for row in rows if row["addressee"] == "UNHCR"]
    assert unhcr and all(row["addressee_type"] == "body" for row in unhcr)
    assert all(row["response_due"] == "2011-09-15" for row in unhcr)


def test_export_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    TargetFactory.create_batch(40)

    # targets, then states, organisations and themes prefetched once per chunk.
    with django_assert_max_num_queries(4):
        rows = list(target_export_rows(Target.objects.all()))

    assert len(rows) == 40


def test_the_csv_writer_writes_the_header_then_one_line_per_target():
    TargetFactory(recommendation__text='Respect "non-refoulement", always')
    stream = io.StringIO(newline="")

    export_csv(target_export_rows(Target.objects.all()), stream)

    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == EXPORT_COLUMNS
    assert rows[1][EXPORT_COLUMNS.index("text")] == 'Respect "non-refoulement", always'
    assert stream.getvalue().endswith("\r\n")


def test_the_xlsx_writer_keeps_every_cell_text_even_one_that_looks_like_a_formula():
    TargetFactory(recommendation__text='=HYPERLINK("http://example.org")')
    stream = io.BytesIO()

    export_xlsx(target_export_rows(Target.objects.all()), stream)

    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    assert [cell.value for cell in sheet[1]] == EXPORT_COLUMNS
    text = sheet.cell(row=2, column=EXPORT_COLUMNS.index("text") + 1)
    assert text.value == '=HYPERLINK("http://example.org")'
    assert text.data_type == "s"
