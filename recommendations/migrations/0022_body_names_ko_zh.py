"""The Korean and Chinese names of the bodies the demo data (seed case) names.

Chinese: the UN's official Chinese names, as UN Chinese documents and OHCHR's Chinese pages
use them (to be confirmed in UN Term, unterm.un.org, which this migration's author could not
reach). Korean: the names the Korean government (MOFA) and Korean NGOs use. Left blank where
no rendering could be given with confidence (OHCHR Seoul in Chinese): the English name shows.
Only bodies that exist are filled, and a name an editor already typed is kept; a new
installation gets the same names from the demo data (demo/seed_case.json), and
tests/test_load_demo.py checks that the two agree.
"""

from django.db import migrations

ZH_UN = "zh: UN Chinese documents and OHCHR Chinese pages (check: unterm.un.org)"
KO_MOFA = "ko: Korean Ministry of Foreign Affairs (MOFA) usage"
KO_NGO = "ko: Korean NGO and press usage"

NAMES = {
    "COI-DPRK": (
        "유엔 북한인권조사위원회",
        "朝鲜民主主义人民共和国人权状况调查委员会",
        f"{KO_MOFA}; zh: title of the COI's report (A/HRC/25/63) as cited in Chinese "
        "(check: unterm.un.org)",
    ),
    "CAT": ("고문방지위원회", "禁止酷刑委员会", f"{KO_MOFA}; {ZH_UN}"),
    "CEDAW": ("여성차별철폐위원회", "消除对妇女歧视委员会", f"{KO_MOFA}; {ZH_UN}"),
    "CRC": ("아동권리위원회", "儿童权利委员会", f"{KO_MOFA}; {ZH_UN}"),
    "WGEID": ("강제실종 실무그룹", "强迫或非自愿失踪问题工作组", f"{KO_NGO}; {ZH_UN}"),
    "SR-DPRK": (
        "유엔 북한인권 특별보고관",
        "朝鲜民主主义人民共和国人权状况特别报告员",
        f"{KO_MOFA}; {ZH_UN}",
    ),
    "UPR": ("국가별 정례인권검토", "普遍定期审议", f"{KO_MOFA}; {ZH_UN}"),
    "HRC": ("유엔 인권이사회", "人权理事会", f"{KO_MOFA}; {ZH_UN}"),
    "UNGA": ("유엔 총회", "联合国大会", f"{KO_MOFA}; {ZH_UN}"),
    "UNHCR": ("유엔난민기구", "联合国难民事务高级专员", f"{KO_MOFA}; {ZH_UN}"),
    "OHCHR": (
        "유엔 인권최고대표사무소",
        "联合国人权事务高级专员办事处",
        f"{KO_MOFA}; {ZH_UN}",
    ),
    "OHCHR-Seoul": ("유엔 인권최고대표사무소 서울사무소", "", KO_NGO),
}


def fill_names(apps, schema_editor):
    Body = apps.get_model("recommendations", "Body")
    for body in Body.objects.filter(acronym__in=NAMES):
        name_ko, name_zh_hans, source = NAMES[body.acronym]
        body.name_ko = body.name_ko or name_ko
        body.name_zh_hans = body.name_zh_hans or name_zh_hans
        body.name_source = body.name_source or source
        body.save(update_fields=["name_ko", "name_zh_hans", "name_source"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0021_languages_and_names")]

    operations = [migrations.RunPython(fill_names, migrations.RunPython.noop)]
