"""The UPR Working Group's sessions as the importers read them: the calendar table
(`UprSession`, loaded with a source per session and kept by editors), read once per import.

The date of a review's document is its session's last day: the Working Group adopts the
report on each state under review before the session closes.
"""

from datetime import date

from recommendations.models import UprSession


class UprCalendar:
    def __init__(self):
        self.last_days: dict[int, date] = dict(UprSession.objects.values_list("number", "last_day"))

    def last_day(self, session: int) -> date | None:
        """The day the session closed, by which it had adopted every review's report."""
        return self.last_days.get(session)
