"""Date arithmetic and date text as SQL expressions.

The reminder sweep computes each reminder's occurrence and reason in the database, so that
recording a hundred thousand reminders is one INSERT ... SELECT instead of a Python loop.
Django has no "days between two dates" nor "date minus N days", so the two are here.
"""

from django.db.models import (
    Case,
    CharField,
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, LPad
from django.db.models.lookups import Exact
from django.utils.dates import MONTHS


class _DateMinus(Func):
    """A date minus a date (whole days), or minus a number of days (a date)."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "


class DaysBetween(_DateMinus):
    """Whole days from `earlier` to `later`, two dates: an integer."""

    output_field = IntegerField()

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)


class DaysBefore(_DateMinus):
    """The date `days` days before `day`."""

    output_field = DateField()

    def __init__(self, day, days, **extra):
        super().__init__(day, days, **extra)


class JoinedText(Func):
    """Text pieces joined in one flat `a || b || c` (Django's Concat nests a pair per piece).
    No piece may be NULL."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = CharField()


def day_text(day: str | Expression) -> JoinedText:
    """A date as the e-mails write it, '7 December 2026': `dateformat`'s "j F Y", with the
    month names of the active language."""
    day = F(day) if isinstance(day, str) else day
    month = Case(
        *(
            When(Exact(ExtractMonth(day), number), then=Value(str(name)))
            for number, name in MONTHS.items()
        ),
        output_field=CharField(),
    )
    return JoinedText(
        Cast(ExtractDay(day), CharField()),
        Value(" "),
        month,
        Value(" "),
        LPad(Cast(ExtractYear(day), CharField()), 4, Value("0")),
    )
