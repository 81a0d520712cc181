"""Date arithmetic as SQL expressions, for PostgreSQL and SQLite alike.

The reminder sweep computes each reminder's occurrence in the database, in the query that
finds the due reminders. Django has no portable "days between two dates" nor "date minus
N days", so the two are here, each with the SQL of the two backends the project runs on.
"""

from django.db.models import DateField, FloatField, Func, IntegerField


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
