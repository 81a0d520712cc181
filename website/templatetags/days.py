"""`day`: a date as the active language writes it, as `|date:"DATE_FORMAT"` gives it, each day
formatted once per language and worker.

A campaign's timeline and its brief's silence table show hundreds to thousands of dates, the
same ones for every reader, and Django's formatter takes tens of microseconds for each (a
pass over the format string, the month's name through the catalogue): about half of the campaign
page's template, before.
"""

import functools
from datetime import date

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()

# Days of a few decades in three languages.
DAYS_KEPT = 50_000


@register.filter(expects_localtime=True)
def day(value: date | None) -> str:
    if not value:
        return ""
    if type(value) is not date:
        # A datetime (never in these pages) would be kept once per instant.
        return date_format(value, "DATE_FORMAT")
    return _formatted(get_language(), value)


@functools.lru_cache(maxsize=DAYS_KEPT)
def _formatted(language: str, value: date) -> str:
    # `language` is the active one: date_format() reads it, the cache's key needs it.
    return date_format(value, "DATE_FORMAT")


@receiver(setting_changed)
def _formats_changed(setting: str, **kwargs) -> None:
    # A test that overrides the formats or the languages reads them, not the days kept.
    if setting in {"DATE_FORMAT", "FORMAT_MODULE_PATH", "LANGUAGES", "LANGUAGE_CODE"}:
        _formatted.cache_clear()
