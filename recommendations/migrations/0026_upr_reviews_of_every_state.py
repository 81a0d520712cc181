"""Each state's UPR reviews as far as our sources give them: the first cycle (sessions 1-12)
and the second cycle's first session (13) for every state, from the UPR Info export in
shared/data (its `To` and `Session` columns), and the later reviews of the states the demo
campaign follows, from OHCHR's country pages.

The first cycle's order within each session is not in the export, and the second cycle
regrouped the same order into sessions of fourteen; so a state's second-cycle session cannot be
derived from its first and is not guessed. A review of a later cycle is recorded when an
import or an editor gives one, and from then on the next review follows every fourteen
sessions (calendar.upr_next_review_session).
"""

from django.db import migrations

UPR_INFO_SOURCE = (
    "UPR Info database export, sessions 1-13 (rochelleterman/uprs, v.2/Data/CSVs): "
    "the state under review at each session"
)

# session: the states reviewed at it (ISO 3166 alpha-3).
UPR_INFO_REVIEWS = {
    1: "ARG BHR BRA CZE DZA ECU FIN GBR IDN IND MAR NLD PHL POL TUN ZAF",
    2: "BEN CHE FRA GAB GHA GTM JPN KOR LKA MLI PAK PER ROU TON UKR ZMB",
    3: "ARE BDI BFA BHS BRB BWA COL CPV ISR LIE LUX MNE SRB TKM TUV UZB",
    4: "AZE BGD CAN CHN CMR CUB DEU DJI JOR MEX MUS MYS NGA RUS SAU SEN",
    5: "AFG BLZ CAF CHL COG COM MCO MKD MLT NZL SVK TCD URY VNM VUT YEM",
    6: "ALB BRN BTN CIV COD CRI CYP DMA DOM ERI ETH GNQ KHM NOR PRK PRT",
    7: "AGO BIH BOL EGY FJI GMB IRN IRQ ITA KAZ MDG NIC QAT SLV SMR SVN",
    8: "ARM BLR ESP GIN GNB GRD GUY KEN KGZ KIR KWT LAO LSO SWE TUR",
    9: "AND BGR FSM HND HRV JAM LBN LBR LBY MDV MHL MNG MRT MWI PAN USA",
    10: "AUS AUT EST GEO KNA LCA MMR MOZ NAM NER NPL NRU OMN PRY RWA STP",
    11: "BEL DNK GRC HUN LVA PLW PNG SDN SGP SLB SLE SOM SSD SUR SYC VCT WSM",
    12: "ATG HTI IRL ISL LTU MDA SWZ SYR TGO THA TJK TLS TTO TZA UGA VEN ZWE",
    13: "BHR BRA DZA ECU FIN GBR IDN IND MAR NLD PHL POL TUN ZAF",
}

# Later reviews of the states the demo campaign follows: (state, sessions, source).
OHCHR_REVIEWS = [
    (
        "KOR",
        [14, 28, 42],
        "OHCHR, UPR country page for the Republic of Korea (ohchr.org/en/hr-bodies/upr/kr-index)",
    ),
    (
        "JPN",
        [14, 28, 42],
        "OHCHR, UPR country page for Japan (ohchr.org/en/hr-bodies/upr/jp-index)",
    ),
    (
        "DEU",
        [16, 30, 44],
        "OHCHR, UPR country page for Germany (ohchr.org/en/hr-bodies/upr/de-index)",
    ),
    (
        "PRK",
        [19, 33, 47],
        "OHCHR, UPR country page for the Democratic People's Republic of Korea (ohchr.org/en/hr-bodies/upr/kp-index)",
    ),
    (
        "USA",
        [22, 36],
        "OHCHR, UPR country page for the United States of America (ohchr.org/en/hr-bodies/upr/us-index)",
    ),
]


def load(apps, schema_editor):
    UprSession = apps.get_model("recommendations", "UprSession")
    UprReview = apps.get_model("recommendations", "UprReview")
    State = apps.get_model("recommendations", "State")
    states = {state.code: state for state in State.objects.all()}
    sessions = {session.number: session for session in UprSession.objects.all()}
    reviews = [
        (code, number, UPR_INFO_SOURCE)
        for number, codes in UPR_INFO_REVIEWS.items()
        for code in codes.split()
    ] + [(code, number, source) for code, numbers, source in OHCHR_REVIEWS for number in numbers]
    UprReview.objects.bulk_create(
        [
            UprReview(state=states[code], session=sessions[number], source=source)
            for code, number, source in reviews
            if code in states and number in sessions
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0025_upr_stakeholder_deadlines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
