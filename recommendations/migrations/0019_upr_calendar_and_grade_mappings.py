"""The UN calendar as data: the UPR Working Group's sessions (1-48 as importers/sessions.py
sources them; 49-68 estimated), China's four reviews, and what the follow-up grades mean.

The rows are written out here, not imported, so that this migration stays as it is when the
modules change. Loading is keyed on natural keys: running it on a database that has some of
the rows changes nothing else.
"""

from datetime import date

from django.db import migrations

# Sessions 49-68 follow the pattern of sessions 37-48, all of which it gives exactly: three
# two-week sessions a year, opening on the Monday on or after 18 January, 28 April and
# 1 November, closing on the Friday of the second week. OHCHR announces dates a year or so
# ahead; until an editor replaces one with its source, it stays marked estimated.
ESTIMATE = (
    "estimate: three sessions a year (Monday on or after 18 January, 28 April, 1 November; "
    "two weeks), the pattern of sessions 37-48"
)

# (number, first day, last day, cycle, estimated, source). Cycles: 1-12, 13-26, 27-40, 41-54,
# 55-68 (OHCHR, "UPR cycles": fourteen sessions a cycle since the second).
UPR_SESSIONS = [
    (
        1,
        date(2008, 4, 7),
        date(2008, 4, 18),
        1,
        False,
        "UN Geneva meeting summary, 19 September 2008 (sessions 1, 2 held; 4-6 scheduled).",
    ),
    (
        2,
        date(2008, 5, 5),
        date(2008, 5, 19),
        1,
        False,
        "OHCHR press release of 30 April 2008 and highlights of 19 May 2008 (closing meeting).",
    ),
    (
        3,
        date(2008, 12, 1),
        date(2008, 12, 15),
        1,
        False,
        'OHCHR highlights, 1 December 2008: "will last from 1 to 15 December".',
    ),
    (
        4,
        date(2009, 2, 2),
        date(2009, 2, 13),
        1,
        False,
        "UN Geneva press release, January 2009; ISHR: completed 13 February 2009.",
    ),
    (
        5,
        date(2009, 5, 4),
        date(2009, 5, 15),
        1,
        False,
        'OHCHR, "Universal Periodic Review opens fifth session": 4 to 15 May.',
    ),
    (
        6,
        date(2009, 11, 30),
        date(2009, 12, 11),
        1,
        False,
        "UN Geneva meeting summary, 19 September 2008: 30 November to 11 December 2009.",
    ),
    (
        7,
        date(2010, 2, 8),
        date(2010, 2, 19),
        1,
        False,
        "OHCHR press release, 4 February 2010: 8 to 19 February.",
    ),
    (
        8,
        date(2010, 5, 3),
        date(2010, 5, 14),
        1,
        False,
        "OHCHR background release, 29 April 2010: 3 to 14 May.",
    ),
    (
        9,
        date(2010, 11, 1),
        date(2010, 11, 12),
        1,
        False,
        "UPR Info, UPR Trax 12 (moved to 1-12 November 2010) and 18 (concluded 12 November).",
    ),
    (
        10,
        date(2011, 1, 24),
        date(2011, 2, 4),
        1,
        False,
        'A/HRC/17/13: "held its tenth session from 24 January to 4 February 2011".',
    ),
    (
        11,
        date(2011, 5, 2),
        date(2011, 5, 13),
        1,
        False,
        'A/HRC/18/3: "held its eleventh session from 2 to 13 May 2011".',
    ),
    (
        12,
        date(2011, 10, 3),
        date(2011, 10, 14),
        1,
        False,
        'A/HRC/WG.6/12/IRL/2: "Twelfth session, Geneva, 3-14 October 2011".',
    ),
    (
        13,
        date(2012, 5, 21),
        date(2012, 6, 4),
        2,
        False,
        "UPR Info, UPR Trax 28 (HRC calendar 2012): 21 May to 4 June.",
    ),
    (
        14,
        date(2012, 10, 22),
        date(2012, 11, 5),
        2,
        False,
        "UPR Info, UPR Trax 28: 22 October to 5 November.",
    ),
    (
        15,
        date(2013, 1, 21),
        date(2013, 2, 1),
        2,
        False,
        "OHCHR media brief, 21 January 2013 (France, the session's first review); two weeks.",
    ),
    (
        16,
        date(2013, 4, 22),
        date(2013, 5, 3),
        2,
        False,
        'A/HRC/24/4: "held its sixteenth session from 22 April to 3 May 2013".',
    ),
    (
        17,
        date(2013, 10, 21),
        date(2013, 11, 1),
        2,
        False,
        "OHCHR press release, 17 October 2013: 21 October to 1 November.",
    ),
    (
        18,
        date(2014, 1, 27),
        date(2014, 2, 7),
        2,
        False,
        "Norway's mission in Geneva, 28 January 2014: 27 January to 7 February 2014.",
    ),
    (
        19,
        date(2014, 4, 28),
        date(2014, 5, 9),
        2,
        False,
        'UPR Info, "Highest number of recommendations made at session 19" (May 2014); the reviews began on 28 April 2014 (WILPF, "reviewed in April 2014"); two weeks.',
    ),
    (
        20,
        date(2014, 10, 27),
        date(2014, 11, 7),
        2,
        False,
        "OHCHR press release, 7 November 2014: twentieth session concluded after two weeks.",
    ),
    (
        21,
        date(2015, 1, 19),
        date(2015, 1, 30),
        2,
        False,
        "OHCHR press release, 30 January 2015: commenced 19 January, concluded 30 January.",
    ),
    (
        22,
        date(2015, 5, 4),
        date(2015, 5, 15),
        2,
        False,
        'A/HRC/WG.6/22/L.10: "held its twenty-second session from 4 to 15 May 2015".',
    ),
    (
        23,
        date(2015, 11, 2),
        date(2015, 11, 13),
        2,
        False,
        "OHCHR press release, 29 October 2015: 2 to 13 November 2015.",
    ),
    (
        24,
        date(2016, 1, 18),
        date(2016, 1, 29),
        2,
        False,
        'UPR Info: "took place on the 18-29 January 2016".',
    ),
    (
        25,
        date(2016, 5, 2),
        date(2016, 5, 13),
        2,
        False,
        'UPR Info: "took place from 2 to 13 May 2016".',
    ),
    (
        26,
        date(2016, 10, 31),
        date(2016, 11, 11),
        2,
        False,
        "OHCHR press release, 26 October 2016: 31 October to 11 November.",
    ),
    (
        27,
        date(2017, 5, 1),
        date(2017, 5, 12),
        3,
        False,
        'A/HRC/WG.6/27/BHR/3: "Twenty-seventh session, 1-12 May 2017".',
    ),
    (
        28,
        date(2017, 11, 6),
        date(2017, 11, 17),
        3,
        False,
        'A/HRC/WG.6/28/L.13: "held its twenty-eighth session from 6 to 17 November 2017".',
    ),
    (
        29,
        date(2018, 1, 15),
        date(2018, 1, 26),
        3,
        False,
        "UN Geneva press release, January 2018: 15 to 26 January 2018.",
    ),
    (
        30,
        date(2018, 5, 7),
        date(2018, 5, 18),
        3,
        False,
        "Turkmenistan's embassy: the 30th session's first review on 7 May 2018; two weeks.",
    ),
    (
        31,
        date(2018, 11, 5),
        date(2018, 11, 16),
        3,
        False,
        'UPR Info, "31st session of the Universal Periodic Review": 5 to 16 November (2018).',
    ),
    (
        32,
        date(2019, 1, 21),
        date(2019, 2, 1),
        3,
        False,
        'UPR Info, "Conclusion of the 32nd Session": 21 January to 1 February (2019).',
    ),
    (
        33,
        date(2019, 5, 6),
        date(2019, 5, 17),
        3,
        False,
        'UPR Info, "Highlights of the 33rd UPR Session": 6-17 May 2019.',
    ),
    (
        34,
        date(2019, 11, 4),
        date(2019, 11, 15),
        3,
        False,
        'UPR Info, "Conclusion of the 34th Session": 4 to 15 November (2019).',
    ),
    (
        35,
        date(2020, 1, 20),
        date(2020, 1, 31),
        3,
        False,
        'UPR Info, "Conclusion of the 35th Session": 20 to 31 January (2020).',
    ),
    (
        36,
        date(2020, 11, 2),
        date(2020, 11, 13),
        3,
        False,
        "OHCHR press release, 29 October 2020: 2 to 13 November, postponed from May (COVID-19).",
    ),
    (
        37,
        date(2021, 1, 18),
        date(2021, 1, 29),
        3,
        False,
        "OHCHR press release, 15 January 2021 (Saint Lucia): 18 to 29 January.",
    ),
    (
        38,
        date(2021, 5, 3),
        date(2021, 5, 14),
        3,
        False,
        "OHCHR press release, 28 April 2021: 3 to 14 May 2021.",
    ),
    (
        39,
        date(2021, 11, 1),
        date(2021, 11, 12),
        3,
        False,
        "OHCHR press release, 3 November 2021 (Antigua and Barbuda): 1 to 12 November.",
    ),
    (
        40,
        date(2022, 1, 24),
        date(2022, 2, 3),
        3,
        False,
        "OHCHR press release, 19 January 2022: 24 January to 3 February.",
    ),
    (
        41,
        date(2022, 11, 7),
        date(2022, 11, 18),
        4,
        False,
        "OHCHR press release (fourth cycle opens): 7 to 18 November (2022).",
    ),
    (
        42,
        date(2023, 1, 23),
        date(2023, 2, 3),
        4,
        False,
        'UPR Info, "42nd UPR Working Group: Key Highlights": 23 January to 3 February 2023.',
    ),
    (
        43,
        date(2023, 5, 1),
        date(2023, 5, 12),
        4,
        False,
        "OHCHR via Loop Tonga, 27 April 2023, and UPR Info: 1 to 12 May 2023.",
    ),
    (
        44,
        date(2023, 11, 6),
        date(2023, 11, 17),
        4,
        False,
        "OHCHR press release, 1 November 2023: 6 to 17 November 2023.",
    ),
    (
        45,
        date(2024, 1, 22),
        date(2024, 2, 2),
        4,
        False,
        'UPR Info, "45th UPR Working Group: Key Highlights": 22 January to 2 February (2024).',
    ),
    (
        46,
        date(2024, 4, 29),
        date(2024, 5, 10),
        4,
        False,
        "OHCHR press release (46th session): 29 April to 10 May 2024.",
    ),
    (
        47,
        date(2024, 11, 4),
        date(2024, 11, 15),
        4,
        False,
        'UPR Info, "47th UPR Working Group: Key Highlights": 4 to 15 November (2024).',
    ),
    (
        48,
        date(2025, 1, 20),
        date(2025, 1, 31),
        4,
        False,
        "OHCHR press release, 15 January 2025: 20 to 31 January 2025.",
    ),
    (49, date(2025, 4, 28), date(2025, 5, 9), 4, True, ESTIMATE),
    (50, date(2025, 11, 3), date(2025, 11, 14), 4, True, ESTIMATE),
    (51, date(2026, 1, 19), date(2026, 1, 30), 4, True, ESTIMATE),
    (52, date(2026, 5, 4), date(2026, 5, 15), 4, True, ESTIMATE),
    (53, date(2026, 11, 2), date(2026, 11, 13), 4, True, ESTIMATE),
    (54, date(2027, 1, 18), date(2027, 1, 29), 4, True, ESTIMATE),
    (55, date(2027, 5, 3), date(2027, 5, 14), 5, True, ESTIMATE),
    (56, date(2027, 11, 1), date(2027, 11, 12), 5, True, ESTIMATE),
    (57, date(2028, 1, 24), date(2028, 2, 4), 5, True, ESTIMATE),
    (58, date(2028, 5, 1), date(2028, 5, 12), 5, True, ESTIMATE),
    (59, date(2028, 11, 6), date(2028, 11, 17), 5, True, ESTIMATE),
    (60, date(2029, 1, 22), date(2029, 2, 2), 5, True, ESTIMATE),
    (61, date(2029, 4, 30), date(2029, 5, 11), 5, True, ESTIMATE),
    (62, date(2029, 11, 5), date(2029, 11, 16), 5, True, ESTIMATE),
    (63, date(2030, 1, 21), date(2030, 2, 1), 5, True, ESTIMATE),
    (64, date(2030, 4, 29), date(2030, 5, 10), 5, True, ESTIMATE),
    (65, date(2030, 11, 4), date(2030, 11, 15), 5, True, ESTIMATE),
    (66, date(2031, 1, 20), date(2031, 1, 31), 5, True, ESTIMATE),
    (67, date(2031, 4, 28), date(2031, 5, 9), 5, True, ESTIMATE),
    (68, date(2031, 11, 3), date(2031, 11, 14), 5, True, ESTIMATE),
]

# China's reviews (OHCHR, UPR country page for China, ohchr.org/en/hr-bodies/upr/cn-index:
# reviewed in February 2009, October 2013, November 2018 and January 2024).
CHINA_SOURCE = "OHCHR, UPR country page for China (ohchr.org/en/hr-bodies/upr/cn-index)"
CHINA_REVIEWS = [4, 17, 31, 45]

_CCPR_2020 = (
    "Human Rights Committee, Report on follow-up to concluding observations, CCPR/C/128/3 "
    "(1 September 2020) and CCPR/C/133/2 (2021), 'summary of the assessment criteria'"
)
_CCPR_2013 = (
    "Human Rights Committee, earlier scale of its follow-up procedure (CCPR/C/108/2, 2013), as "
    "cited by OHCHR (13 July 2015: 'A - largely satisfactory' to 'C2 - response received, but "
    "not relevant') and CCPR Centre (114th session); labels from that reading, to be checked "
    "against CCPR/C/108/2"
)
_REGRESSED = (
    "; mapped to regressed as the nearest common level: E also covers an outright rejection "
    "without a step backwards"
)
_UPR_INFO = (
    "UPR Info, Mid-term Implementation Assessment (MIA) methodology: the levels its "
    "stakeholders report"
)

# (scale, grade, meaning, implementation, source)
GRADE_MAPPINGS = [
    ("treaty_body_follow_up", "A", "Reply/action largely satisfactory", "implemented", _CCPR_2020),
    (
        "treaty_body_follow_up",
        "B",
        "Reply/action partially satisfactory",
        "partially_implemented",
        _CCPR_2020,
    ),
    ("treaty_body_follow_up", "C", "Reply/action not satisfactory", "not_implemented", _CCPR_2020),
    (
        "treaty_body_follow_up",
        "D",
        "No cooperation with the Committee",
        "not_implemented",
        _CCPR_2020,
    ),
    (
        "treaty_body_follow_up",
        "E",
        "Information or measures taken are contrary to or reflect rejection of the recommendation",
        "regressed",
        _CCPR_2020 + _REGRESSED,
    ),
    (
        "treaty_body_follow_up",
        "B1",
        "Substantive action taken, but additional information required",
        "partially_implemented",
        _CCPR_2013,
    ),
    (
        "treaty_body_follow_up",
        "B2",
        "Initial action taken, but additional information required",
        "partially_implemented",
        _CCPR_2013,
    ),
    (
        "treaty_body_follow_up",
        "C1",
        "Reply received, but actions taken do not implement the recommendation",
        "not_implemented",
        _CCPR_2013,
    ),
    (
        "treaty_body_follow_up",
        "C2",
        "Reply received, but not relevant to the recommendation",
        "not_implemented",
        _CCPR_2013,
    ),
    ("upr_info", "fully implemented", "", "implemented", _UPR_INFO),
    ("upr_info", "partially implemented", "", "partially_implemented", _UPR_INFO),
    ("upr_info", "not implemented", "", "not_implemented", _UPR_INFO),
]


def load(apps, schema_editor):
    UprSession = apps.get_model("recommendations", "UprSession")
    UprReview = apps.get_model("recommendations", "UprReview")
    State = apps.get_model("recommendations", "State")
    GradeMapping = apps.get_model("recommendations", "GradeMapping")
    for number, first_day, last_day, cycle, estimated, source in UPR_SESSIONS:
        UprSession.objects.get_or_create(
            number=number,
            defaults={
                "first_day": first_day,
                "last_day": last_day,
                "cycle": cycle,
                "estimated": estimated,
                "source": source,
            },
        )
    china = State.objects.filter(code="CHN").first()
    if china:
        for number in CHINA_REVIEWS:
            UprReview.objects.get_or_create(
                state=china,
                session=UprSession.objects.get(number=number),
                defaults={"source": CHINA_SOURCE},
            )
    for scale, raw_grade, meaning, implementation, source in GRADE_MAPPINGS:
        GradeMapping.objects.get_or_create(
            scale=scale,
            raw_grade=raw_grade,
            defaults={"meaning": meaning, "implementation": implementation, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0018_un_calendar")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
