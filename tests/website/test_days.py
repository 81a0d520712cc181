"""The `day` filter writes a date as `|date:"DATE_FORMAT"` does, in each language, however
often it has written it before in another."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = date(2026, 11, 23)


def rendered(template: str, language: str) -> str:
    with translation.override(language):
        return Template(template).render(Context({"day": DAY, "none": None}))


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "23 November 2026"), ("ko", "2026년 11월 23일"), ("zh-hans", "2026年11月23日")],
)
def test_a_day_is_written_as_the_date_filter_writes_it_in_each_language(language, written):
    for _ in range(2):
        assert rendered("{% load days %}{{ day|day }}", language) == written
        assert rendered('{{ day|date:"DATE_FORMAT" }}', language) == written


def test_no_date_is_written_as_nothing():
    assert rendered("{% load days %}[{{ none|day }}]", "en") == "[]"
