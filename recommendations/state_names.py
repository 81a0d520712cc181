"""States' names in Korean and Chinese, from pycountry's own ISO 3166-1 translations.

Nobody retypes a state's name: pycountry ships the iso-codes project's gettext catalogues,
translated by its translators. The admin shows them (StateAdmin, the targets' addressees);
the API's display fields should call `state_name()` too.
"""

import gettext
from functools import cache

import pycountry
from django.utils import translation

# Our language codes and the iso-codes catalogue of each; English needs none.
CATALOGUES = {"ko": "ko", "zh-hans": "zh_CN"}


@cache
def _names(language: str) -> dict[str, str]:
    """Every state's name by alpha-3 code in `language`, where the catalogue translates it."""
    catalogue = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[CATALOGUES[language]]
    )
    names = {}
    for country in pycountry.countries:
        translated = catalogue.gettext(country.name)
        if translated != country.name:
            names[country.alpha_3] = translated
    return names


def names_by_code(language: str) -> dict[str, str]:
    """Every state's name in `language` ("ko", "zh-hans") by alpha-3 code, where translated."""
    return _names(language)


def state_name(code: str, language: str | None = None) -> str:
    """The name of the state `code` in `language` (the active one by default); "" where the
    catalogue has none, or in English: the caller keeps its own English name then."""
    language = translation.get_supported_language_variant(
        (language or translation.get_language() or "en").lower()
    )
    if language not in CATALOGUES:
        return ""
    return _names(language).get(code, "")
