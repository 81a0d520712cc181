"""Date arithmetic as SQL expressions.

The reminder sweep computes each reminder's occurrence in the database, in the query that
finds the due reminders. Django has no "days between two dates" nor "date minus N days", so
the two are here.
"""

from django.db.models import DateField, Func, IntegerField


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
