"""More names states go by: the spellings of UPR Info exports and UN parenthesised short names.

Found importing UPR Info's sessions 1-13 export and checked against UN usage in OHCHR
matrices and UHRI exports. Appends to other_names; 0002 stays as it was.
"""

from django.db import migrations

NAMES = {
    "BOL": ["Bolivia (Plurinational State of)"],
    "COD": ["Democratic Republic of Congo"],
    "FSM": ["Micronesia (Federated States of)"],
    "GNB": ["Guinea Bissau"],
    "IRN": ["Iran (Islamic Republic of)"],
    "KNA": ["St Kitts & Nevis", "St Kitts and Nevis"],
    "LBY": ["Libyan Arab Jamahiriya"],
    "LCA": ["St Lucia"],
    "MDA": ["Moldova (Republic of)"],
    "MMR": ["Burma"],
    "NLD": ["Netherlands (Kingdom of the)"],
    "TLS": ["East Timor"],
    "VCT": ["St Vincent & the Grenadines", "St Vincent and the Grenadines"],
    "VEN": ["Venezuela (Bolivarian Republic of)"],
}


def add_names(apps, schema_editor):
    State = apps.get_model("recommendations", "State")
    for state in State.objects.filter(code__in=NAMES):
        missing = [name for name in NAMES[state.code] if name not in state.other_names]
        if missing:
            state.other_names = [*state.other_names, *missing]
            state.save(update_fields=["other_names"])


def remove_names(apps, schema_editor):
    State = apps.get_model("recommendations", "State")
    for state in State.objects.filter(code__in=NAMES):
        state.other_names = [name for name in state.other_names if name not in NAMES[state.code]]
        state.save(update_fields=["other_names"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0008_recommendation_text_search_index")]

    operations = [migrations.RunPython(add_names, remove_names)]
