"""Every ISO 3166-1 state from pycountry, with the names the UN and UPR Info use for it."""

import pycountry
from django.db import migrations

# Short names used in UN documents and by UPR Info that pycountry does not carry.
OTHER_NAMES = {
    "BIH": ["Bosnia & Herzegovina"],
    "BOL": ["Bolivia"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "COD": ["Democratic Republic of the Congo", "DR Congo", "DRC"],
    "COG": ["Republic of Congo", "Congo-Brazzaville"],
    "CPV": ["Cape Verde"],
    "CZE": ["Czech Republic"],
    "FSM": ["Micronesia"],
    "GBR": ["United Kingdom", "UK", "Great Britain"],
    "IRN": ["Iran"],
    "KOR": ["Republic of Korea", "South Korea", "ROK"],
    "LAO": ["Lao PDR", "Laos"],
    "MDA": ["Moldova"],
    "MKD": ["Macedonia FYR", "The former Yugoslav Republic of Macedonia", "Macedonia"],
    "PRK": ["DPR Korea", "DPRK", "North Korea"],
    "PSE": ["Palestine", "State of Palestine"],
    "RUS": ["Russia"],
    "SWZ": ["Swaziland"],
    "SYR": ["Syria"],
    "TTO": ["Trinidad & Tobago"],
    "TUR": ["Turkey"],
    "TZA": ["Tanzania", "United Republic of Tanzania"],
    "USA": ["United States of America", "USA"],
    "VAT": ["Holy See", "Vatican"],
    "VEN": ["Venezuela"],
    "VNM": ["Viet Nam", "Vietnam"],
}


def display_name(country) -> str:
    """ISO writes 'Korea, Republic of'; documents write 'Republic of Korea'."""
    name, _, qualifier = country.name.partition(", ")
    if qualifier.endswith((" of", " of the")):
        return f"{qualifier.removeprefix('The ')} {name}"
    return getattr(country, "common_name", None) or country.name


def load_states(apps, schema_editor):
    State = apps.get_model("recommendations", "State")
    for country in pycountry.countries:
        name = display_name(country)
        known = {name}
        other_names = []
        for alias in [
            country.name,
            getattr(country, "common_name", ""),
            *OTHER_NAMES.get(country.alpha_3, []),
        ]:
            if alias and alias not in known:
                known.add(alias)
                other_names.append(alias)
        State.objects.update_or_create(
            code=country.alpha_3,
            defaults={
                "name": name,
                "official_name": getattr(country, "official_name", ""),
                "other_names": other_names,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(load_states, migrations.RunPython.noop)]
