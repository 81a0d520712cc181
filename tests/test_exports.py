import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from recommendations import services
from recommendations.exports import (
    EXPORT_COLUMNS,
    XLSX_CELL_MAX,
    export_csv,
    export_xlsx,
    formula_escaped,
    formula_unescaped,
    target_export_csv,
    target_export_rows,
    target_export_xlsx,
)
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

    target_export_xlsx(Target.objects.all(), stream)

    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    assert [cell.value for cell in sheet[1]] == EXPORT_COLUMNS
    text = sheet.cell(row=2, column=EXPORT_COLUMNS.index("text") + 1)
    assert text.value == '=HYPERLINK("http://example.org")'
    assert text.data_type == "s"


FORMULA_LIKE = ['=HYPERLINK("http://x")', "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''+1"]


@pytest.mark.parametrize(
    "cell, escaped",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        # A text that really starts with apostrophes before a trigger gets one more.
        ("'=x", "''=x"),
        ("''+1", "'''+1"),
        # Anything else is left alone, apostrophes too.
        ("'Tis the season", "'Tis the season"),
        ("'", "'"),
        ("a=b", "a=b"),
        (" =x", " =x"),
        ("2020-01-02", "2020-01-02"),
        ("", ""),
    ],
)
def test_formula_escape_prefixes_an_apostrophe_only_where_a_spreadsheet_sees_a_formula(
    cell, escaped
):
    assert formula_escaped(cell) == escaped
    assert formula_unescaped(escaped) == cell


def csv_text_cells(lines: str) -> list[str]:
    return [row[EXPORT_COLUMNS.index("text")] for row in list(csv.reader(io.StringIO(lines)))[1:]]


def test_every_csv_writer_starts_a_formula_like_cell_with_an_apostrophe():
    for text in FORMULA_LIKE:
        TargetFactory(recommendation__text=text)
    stream = io.StringIO(newline="")

    export_csv(target_export_rows(Target.objects.all()), stream)
    streamed = "".join(target_export_csv(Target.objects.all()))

    expected = ["'" + text for text in FORMULA_LIKE]
    assert csv_text_cells(stream.getvalue()) == expected
    assert csv_text_cells(streamed) == expected


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_the_xlsx_cell_of_a_formula_like_text_is_a_string_as_it_is(text):
    TargetFactory(recommendation__text=text)
    stream = io.BytesIO()

    target_export_xlsx(Target.objects.all(), stream)

    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    cell = sheet.cell(row=2, column=EXPORT_COLUMNS.index("text") + 1)
    assert (cell.value, cell.data_type) == (text, "s")


def workbook_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(cell or "" for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_an_xlsx_text_longer_than_a_cell_goes_on_in_continuation_columns_added_as_needed():
    long = TargetFactory(recommendation__text="x" * 40_000 + "y" * 30_000)
    TargetFactory(recommendation__text="Short.")
    stream = io.BytesIO()

    target_export_xlsx(Target.objects.all(), stream)

    header, first, second = workbook_rows(stream.getvalue())
    text = EXPORT_COLUMNS.index("text")
    assert header[text : text + 4] == (
        "text",
        "text (continued 2)",
        "text (continued 3)",
        EXPORT_COLUMNS[text + 1],
    )
    assert [len(cell) for cell in first[text : text + 3]] == [XLSX_CELL_MAX, XLSX_CELL_MAX, 4_466]
    assert "".join(first[text : text + 3]) == long.recommendation.text
    assert second[text : text + 3] == ("Short.", "", "")
    assert len(header) == len(first) == len(EXPORT_COLUMNS) + 2


def test_an_xlsx_text_within_a_cell_adds_no_column():
    TargetFactory(recommendation__text="x" * XLSX_CELL_MAX)
    stream = io.BytesIO()

    target_export_xlsx(Target.objects.all(), stream)

    header, row = workbook_rows(stream.getvalue())
    assert list(header) == EXPORT_COLUMNS
    assert len(row[EXPORT_COLUMNS.index("text")]) == XLSX_CELL_MAX


def test_an_xlsx_cell_holds_at_most_excels_count_of_utf16_units():
    # Excel counts a character beyond the BMP (an emoji) twice.
    TargetFactory(recommendation__text="\U0001f30d" * 20_000)
    stream = io.BytesIO()

    target_export_xlsx(Target.objects.all(), stream)

    header, row = workbook_rows(stream.getvalue())
    text = EXPORT_COLUMNS.index("text")
    assert header[text + 1] == "text (continued 2)"
    assert [len(cell) for cell in row[text : text + 2]] == [XLSX_CELL_MAX // 2, 20_000 - 16_383]


def test_a_workbook_never_cuts_a_cell_its_header_has_no_room_for():
    row = dict.fromkeys(EXPORT_COLUMNS, "") | {"text": "x" * 40_000}

    with pytest.raises(ValueError, match="text: a cell needs 2 columns, the header has 1"):
        export_xlsx([[row[column] for column in EXPORT_COLUMNS]], io.BytesIO())
