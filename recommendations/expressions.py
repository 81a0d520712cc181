"""Date arithmetic and date text as SQL expressions, for PostgreSQL and SQLite alike.

The reminder sweep computes each reminder's occurrence and reason in the database, so that
recording a hundred thousand reminders is one INSERT ... SELECT instead of a Python loop.
Django has no portable "days between two dates" nor "date minus N days", so the two are
here, each with the SQL of the two backends the project runs on.
"""

from django.db.models import (
    Case,
    CharField,
    DateField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, LPad
from django.db.models.lookups import Exact
from django.utils.dates import MONTHS


class _JulianDay(Func):
    function = "julianday"
    output_field = FloatField()


class _DateMinus(Func):
    """A date minus a date, or minus a number of days. PostgreSQL subtracts them as they
    are; SQLite subtracts Julian days, and `sqlite_template` turns the result back."""

    arity = 2
    sqlite_template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        julian = self.copy()
        julian.set_source_expressions(
            [
                _JulianDay(operand) if isinstance(operand.output_field, DateField) else operand
                for operand in self.get_source_expressions()
            ]
        )
        return super(_DateMinus, julian).as_sql(
            compiler,
            connection,
            template=self.sqlite_template,
            arg_joiner=" - ",
            **extra_context,
        )


class DaysBetween(_DateMinus):
    """Whole days from `earlier` to `later`, two dates: an integer."""

    output_field = IntegerField()
    # The Julian days of two dates both fall at midnight (x.5): the difference is whole.
    sqlite_template = "CAST(%(expressions)s AS INTEGER)"

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)


class DaysBefore(_DateMinus):
    """The date `days` days before `day`."""

    output_field = DateField()
    sqlite_template = "date(%(expressions)s)"

    def __init__(self, day, days, **extra):
        super().__init__(day, days, **extra)


class JoinedText(Func):
    """Text pieces joined in one flat `a || b || c`. Django's Concat nests a pair per piece,
    deeper than SQLite's parser takes in the sweep's statements. No piece may be NULL."""

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
