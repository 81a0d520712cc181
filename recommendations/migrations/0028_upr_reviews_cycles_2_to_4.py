"""Each state's UPR reviews in the second, third and fourth cycles (sessions 13-54), from the
lists of states each session reviewed: OHCHR's and UN Geneva's press releases ("the following
States will be reviewed, in order of scheduled review: ..."), UPR Info's session summaries,
and, where neither was found, a government's or an NGO's report of the session.

Every session of the third cycle (27-40) has a source, so every state's third-cycle review
does. A state is reviewed at the same place in each cycle since the second, fourteen sessions
apart (OHCHR, "Cycles of the UPR"), so for a session of the second or fourth cycle with no
source here, its states are derived from the third cycle's: session S - 14 or S + 14, each
such row saying so in its source. A session with a source lists all it reviewed: a state its
list leaves out was not reviewed there, and nothing is derived for it in that cycle:

- Israel did not appear at session 15 (January 2013); the Council rescheduled its review, held
  at session 17 (UPR Info, UPR Trax 37; OHCHR, 17 October 2013).
- Ukraine is not among the thirteen states of session 42 (January 2023): its fourth review
  was put off, and no source here says to when.
- Sudan, scheduled at session 39 (November 2021), was reviewed at session 40 (OHCHR,
  1 February 2022; UPR Info). Its second review was at session 25 (A/HRC/33/8); its fourth is
  not derived, since its place in the order is no longer certain.

Sessions 49-54 are estimated in `UprSession` (their dates); the reviews recorded at them are
the scheduled ones. Loading adds no review for a state that already has one in that cycle
(recorded by an earlier migration, an import or an editor), and unloading deletes only the
rows this migration added and nobody changed since.
"""

from django.db import migrations

# The sessions of each cycle since the second (as UprSession.cycle has them).
CYCLE_SESSIONS = {2: range(13, 27), 3: range(27, 41), 4: range(41, 55)}
SESSIONS_PER_CYCLE = 14

# session: (the source's address, the states it lists, ISO 3166 alpha-3 as State.code has them).
SESSION_STATES = {
    # Second cycle.
    14: (
        "https://archive.crin.org/en/library/events/universal-periodic-review-session-14.html",
        "CZE ARG GAB GHA PER GTM BEN KOR CHE PAK ZMB JPN UKR LKA",
    ),
    15: (
        "https://www.upr-info.org/en/newsletter/upr-trax-no37-israel-first-country-be-absent-its-own-upr",
        "BHS BRB BWA BDI FRA LIE LUX MLI MNE ROU SRB TON ARE",
    ),
    17: (
        "https://www.ohchr.org/en/press-releases/2013/10/human-rights-council-universal-periodic-review-working-group-hold?LangID=E&NewsID=13866",
        "SAU SEN CHN NGA MEX MUS JOR MYS CAF MCO BLZ TCD ISR COG MLT",
    ),
    21: (
        "https://ijrcenter.org/2015/01/26/universal-review-of-14-countries-human-rights-records-underway",
        "KGZ KIR GIN LAO ESP LSO KEN ARM GNB SWE GRD TUR GUY KWT",
    ),
    22: (
        "https://ijrcenter.org/2015/05/14/human-rights-council-reviews-14-states-human-rights-records-during-upr-review",
        "BLR LBR MWI MNG PAN MDV AND BGR HND USA MHL HRV JAM LBY",
    ),
    23: (
        "https://web.dev.ohchr.un-icc.cloud/en/press-releases/2015/10/human-rights-council-universal-periodic-review-working-group-hold-twenty",
        "FSM LBN MRT NRU RWA NPL LCA OMN MMR AUT AUS GEO KNA STP",
    ),
    24: (
        "https://upr-info.org/en/news/upr-reports-session-24-be-adopted-23-24-june-hrc",
        "NAM NER MOZ EST PRY BEL DNK PLW SOM SYC SLB LVA SLE SGP",
    ),
    26: (
        "https://upr-info.org/en/news/vast-majority-recommendations-26th-upr-session-supported",
        "HTI ISL LTU MDA SSD SYR TLS TGO UGA VEN ZWE",
    ),
    # Third cycle: every session.
    27: (
        "https://www.upr-info.org/en/newsletter/upr-trax-no-73-outcomes-of-upr-27",
        "DZA BHR BRA ECU FIN IND IDN MAR NLD PHL POL ZAF TUN GBR",
    ),
    28: (
        "https://www.gov.uk/government/news/universal-periodic-review-28th-session",
        "CZE ARG GHA GAB PER GTM KOR CHE BEN PAK ZMB JPN UKR LKA",
    ),
    29: (
        "https://www.ungeneva.org/en/news-media/press-release/2018/01/human-rights-council-universal-periodic-review-working-group-hold",
        "FRA TON ROU MLI BWA BHS BDI LUX BRB MNE ARE ISR LIE SRB",
    ),
    30: (
        "http://maldivesmission.ch/30th-session-of-universal-periodic-review-begins-today/",
        "TKM BFA CPV DEU UZB TUV COL DJI CAN BGD RUS AZE CMR CUB",
    ),
    31: (
        "https://www.upr-info.org/en/news/31st-session-of-the-universal-periodic-review",
        "SAU SEN CHN NGA MEX MUS JOR MYS CAF MCO BLZ TCD COG MLT",
    ),
    32: (
        "https://www.upr-info.org/en/news/conclusion-32nd-session-upr",
        "NZL AFG CHL VNM URY YEM VUT MKD COM SVK ERI CYP DOM KHM",
    ),
    33: (
        "https://upr-info.org/en/news/highlights-33rd-upr-session-sdgs-climate-change-and-lgbti-rights",
        "NOR ALB COD CIV PRT BTN DMA PRK BRN CRI GNQ ETH QAT NIC",
    ),
    34: (
        "https://upr-info.org/en/news/conclusion-34th-session-upr",
        "ITA SLV GMB BOL FJI SMR KAZ AGO IRN MDG IRQ SVN EGY BIH",
    ),
    35: (
        "https://upr-info.org/en/news/conclusion-35th-session-upr",
        "KGZ GIN LAO ESP LSO KEN ARM GNB SWE GRD TUR KIR GUY KWT",
    ),
    36: (
        "https://web.test.ohchr.un-icc.cloud/en/press-releases/2020/10/human-rights-council-universal-periodic-review-working-group-hold-thirty",
        "BLR LBR MWI PAN MNG MDV AND HND BGR MHL USA HRV LBY JAM",
    ),
    37: (
        "https://www.ohchr.org/EN/HRBodies/UPR/Pages/CyclesUPR.aspx",
        "MMR FSM LBN MRT KNA AUS LCA NPL OMN AUT RWA GEO NRU STP",
    ),
    38: (
        "https://www.ohchr.org/SP/HRBodies/HRC/Pages/NewsDetail.aspx?NewsID=27032&LangID=S",
        "NAM NER MOZ EST BEL PRY DNK SOM PLW SLB SYC LVA SGP SLE",
    ),
    # The thirteen whose outcomes the Council adopted at its 49th session; Sudan, also
    # scheduled, was reviewed at session 40.
    39: (
        "https://upr.info/en/news/adoption-upr-outcomes-49th-session-hrc-some-highlights",
        "HUN SUR WSM GRC VCT PNG TJK TZA SWZ ATG TTO THA IRL",
    ),
    40: (
        "https://upr-info.org/fr/node/2342",
        "TGO SYR ISL VEN ZWE LTU UGA TLS MDA SSD HTI SDN",
    ),
    # Fourth cycle.
    41: (
        "https://uprinfo.org/en/news/fourth-cycle-upr-starts-monday",
        "BHR ECU TUN MAR IDN FIN GBR IND DZA PHL BRA POL NLD ZAF",
    ),
    42: (
        "https://upr.info/en/news/42nd-upr-working-group-key-highlights",
        "CZE ARG GAB GHA PER GTM BEN KOR CHE PAK ZMB JPN LKA",
    ),
    43: (
        "https://universalperiodicreview.com/en/news/43rd-upr-working-group-key-highlights",
        "FRA TON ROU MLI BWA BHS BDI LUX BRB MNE ARE ISR LIE SRB",
    ),
    44: (
        "https://web.test.ohchr.un-icc.cloud/en/press-releases/2023/11/human-rights-records-14-states-be-examined-during-universal-periodic-review?sub-site=HRC",
        "TKM BFA CPV COL UZB TUV DEU DJI CAN BGD RUS AZE CMR CUB",
    ),
    45: (
        "https://www.upr-info.org/en/news/45th-upr-working-group-key-highlights",
        "SAU SEN MYS CAF MCO BLZ TCD COG CHN NGA MUS MEX JOR MLT",
    ),
    46: (
        "https://www.nationaltribune.com.au/human-rights-records-of-14-states-to-be-examined-by-universal-periodic-review-mechanism/",
        "NZL AFG CHL CYP URY YEM VUT MKD COM SVK ERI VNM DOM KHM",
    ),
    # Its list of "the 14 States" names thirteen; Côte d'Ivoire is the fourteenth, reviewed
    # in the same session (the page's good practices).
    47: (
        "https://upr-info.org/en/news/47th-upr-working-group-key-highlights",
        "NOR ALB COD CIV PRT BTN DMA PRK BRN CRI GNQ ETH QAT NIC",
    ),
    48: (
        "https://menafn.com/1109093979/Human-Rights-Records-Of-14-States-To-Be-Examined-By-Universal-Periodic-Review-Mechanism",
        "ITA SLV GMB BOL FJI SMR KAZ AGO IRN MDG IRQ SVN EGY BIH",
    ),
    49: (
        "https://upr-info.org/en/news/49th-upr-working-group-key-highlights",
        "ARM GRD GIN GNB GUY KEN KIR KWT KGZ LSO LAO ESP SWE TUR",
    ),
    50: (
        "https://corporatemaldives.com/50th-upr-session-begins-in-geneva-maldives-to-be-reviewed-on-5-november",
        "MDV AND BLR BGR HRV HND JAM LBY LBR MWI MNG MHL PAN USA",
    ),
}

# One state's review where no list of its session was found: (state, session, source).
STATE_REVIEWS = [
    ("SDN", 25, "https://right-docs.org/doc/a-hrc-33-8 (A/HRC/33/8: reviewed at the 25th session)"),
]

# Third-cycle reviews held away from the state's place in the order: no other cycle's
# session is derived from them.
NOT_DERIVED = {"SDN"}


def cycle_of(session: int) -> int | None:
    return next((cycle for cycle, numbers in CYCLE_SESSIONS.items() if session in numbers), None)


def planned_reviews() -> list[tuple[str, int, str]]:
    """(state, session, source) of every review the tables give, then of those derived from
    the third cycle for the sessions no source lists."""
    sourced = [
        (code, number, source)
        for number, (source, codes) in SESSION_STATES.items()
        for code in codes.split()
    ] + STATE_REVIEWS
    known = {(code, cycle_of(number)) for code, number, _ in sourced}
    derived = []
    for code, number, source in sourced:
        if cycle_of(number) != 3 or code in NOT_DERIVED:
            continue
        for cycle, offset in ((2, -SESSIONS_PER_CYCLE), (4, SESSIONS_PER_CYCLE)):
            session = number + offset
            # A listed session names all it reviewed: a state it leaves out was not there.
            if (code, cycle) in known or session in SESSION_STATES:
                continue
            derived.append(
                (
                    code,
                    session,
                    f"derived: cycle 3 session {number} {'+' if offset > 0 else '-'} "
                    f"{SESSIONS_PER_CYCLE} (cycles of 14 sessions), {source}",
                )
            )
    return sourced + derived


def load(apps, schema_editor):
    UprSession = apps.get_model("recommendations", "UprSession")
    UprReview = apps.get_model("recommendations", "UprReview")
    State = apps.get_model("recommendations", "State")
    states = {state.code: state for state in State.objects.all()}
    sessions = {session.number: session for session in UprSession.objects.all()}
    # A state's review of a cycle recorded already (0019, 0026, an import, an editor) stays
    # the only one of that cycle.
    reviewed = set(UprReview.objects.values_list("state__code", "session__cycle"))
    UprReview.objects.bulk_create(
        [
            UprReview(state=states[code], session=sessions[number], source=source[:500])
            for code, number, source in planned_reviews()
            if code in states
            and number in sessions
            and (code, sessions[number].cycle) not in reviewed
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    UprReview = apps.get_model("recommendations", "UprReview")
    planned = {(code, number, source[:500]) for code, number, source in planned_reviews()}
    rows = UprReview.objects.filter(source__in={source for *_, source in planned}).values_list(
        "pk", "state__code", "session__number", "source"
    )
    UprReview.objects.filter(
        pk__in=[pk for pk, *review in rows if tuple(review) in planned]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0027_document_authoring_state")]

    operations = [migrations.RunPython(load, unload)]
