"""English dates as UN documents write them: "7 December 2026". Django's English formats give
the rest (and Korean and Chinese keep Django's own)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, P"
