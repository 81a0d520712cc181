"""The UPR Working Group's sessions: first and last day, from OHCHR's calendar.

The date of a review's document is its session's last day: the Working Group adopts the
report on each state under review before the session closes. Sources, one per session: OHCHR
press releases and meeting highlights (ohchr.org, ungeneva.org), the Working Group's own
documents where they state "held its Nth session from ... to ..." (symbol given), and UPR
Info's session summaries (upr-info.org) where they quote the same dates.
"""

from datetime import date

UPR_SESSIONS: dict[int, tuple[date, date]] = {
    # UN Geneva meeting summary, 19 September 2008 (sessions 1, 2 held; 4-6 scheduled).
    1: (date(2008, 4, 7), date(2008, 4, 18)),
    # OHCHR press release of 30 April 2008 and highlights of 19 May 2008 (closing meeting).
    2: (date(2008, 5, 5), date(2008, 5, 19)),
    # OHCHR highlights, 1 December 2008: "will last from 1 to 15 December".
    3: (date(2008, 12, 1), date(2008, 12, 15)),
    # UN Geneva press release, January 2009; ISHR: completed 13 February 2009.
    4: (date(2009, 2, 2), date(2009, 2, 13)),
    # OHCHR, "Universal Periodic Review opens fifth session": 4 to 15 May.
    5: (date(2009, 5, 4), date(2009, 5, 15)),
    # UN Geneva meeting summary, 19 September 2008: 30 November to 11 December 2009.
    6: (date(2009, 11, 30), date(2009, 12, 11)),
    # OHCHR press release, 4 February 2010: 8 to 19 February.
    7: (date(2010, 2, 8), date(2010, 2, 19)),
    # OHCHR background release, 29 April 2010: 3 to 14 May.
    8: (date(2010, 5, 3), date(2010, 5, 14)),
    # UPR Info, UPR Trax 12 (moved to 1-12 November 2010) and 18 (concluded 12 November).
    9: (date(2010, 11, 1), date(2010, 11, 12)),
    # A/HRC/17/13: "held its tenth session from 24 January to 4 February 2011".
    10: (date(2011, 1, 24), date(2011, 2, 4)),
    # A/HRC/18/3: "held its eleventh session from 2 to 13 May 2011".
    11: (date(2011, 5, 2), date(2011, 5, 13)),
    # A/HRC/WG.6/12/IRL/2: "Twelfth session, Geneva, 3-14 October 2011".
    12: (date(2011, 10, 3), date(2011, 10, 14)),
    # UPR Info, UPR Trax 28 (HRC calendar 2012): 21 May to 4 June.
    13: (date(2012, 5, 21), date(2012, 6, 4)),
    # UPR Info, UPR Trax 28: 22 October to 5 November.
    14: (date(2012, 10, 22), date(2012, 11, 5)),
    # OHCHR media brief, 21 January 2013 (France, the session's first review); two weeks.
    15: (date(2013, 1, 21), date(2013, 2, 1)),
    # A/HRC/24/4: "held its sixteenth session from 22 April to 3 May 2013".
    16: (date(2013, 4, 22), date(2013, 5, 3)),
    # OHCHR press release, 17 October 2013: 21 October to 1 November.
    17: (date(2013, 10, 21), date(2013, 11, 1)),
    # Norway's mission in Geneva, 28 January 2014: 27 January to 7 February 2014.
    18: (date(2014, 1, 27), date(2014, 2, 7)),
    # UPR Info, "Highest number of recommendations made at session 19" (May 2014); the
    # reviews began on 28 April 2014 (WILPF, "reviewed in April 2014"); two weeks.
    19: (date(2014, 4, 28), date(2014, 5, 9)),
    # OHCHR press release, 7 November 2014: twentieth session concluded after two weeks.
    20: (date(2014, 10, 27), date(2014, 11, 7)),
    # OHCHR press release, 30 January 2015: commenced 19 January, concluded 30 January.
    21: (date(2015, 1, 19), date(2015, 1, 30)),
    # A/HRC/WG.6/22/L.10: "held its twenty-second session from 4 to 15 May 2015".
    22: (date(2015, 5, 4), date(2015, 5, 15)),
    # OHCHR press release, 29 October 2015: 2 to 13 November 2015.
    23: (date(2015, 11, 2), date(2015, 11, 13)),
    # UPR Info: "took place on the 18-29 January 2016".
    24: (date(2016, 1, 18), date(2016, 1, 29)),
    # UPR Info: "took place from 2 to 13 May 2016".
    25: (date(2016, 5, 2), date(2016, 5, 13)),
    # OHCHR press release, 26 October 2016: 31 October to 11 November.
    26: (date(2016, 10, 31), date(2016, 11, 11)),
    # A/HRC/WG.6/27/BHR/3: "Twenty-seventh session, 1-12 May 2017".
    27: (date(2017, 5, 1), date(2017, 5, 12)),
    # A/HRC/WG.6/28/L.13: "held its twenty-eighth session from 6 to 17 November 2017".
    28: (date(2017, 11, 6), date(2017, 11, 17)),
    # UN Geneva press release, January 2018: 15 to 26 January 2018.
    29: (date(2018, 1, 15), date(2018, 1, 26)),
    # Turkmenistan's embassy: the 30th session's first review on 7 May 2018; two weeks.
    30: (date(2018, 5, 7), date(2018, 5, 18)),
    # UPR Info, "31st session of the Universal Periodic Review": 5 to 16 November (2018).
    31: (date(2018, 11, 5), date(2018, 11, 16)),
    # UPR Info, "Conclusion of the 32nd Session": 21 January to 1 February (2019).
    32: (date(2019, 1, 21), date(2019, 2, 1)),
    # UPR Info, "Highlights of the 33rd UPR Session": 6-17 May 2019.
    33: (date(2019, 5, 6), date(2019, 5, 17)),
    # UPR Info, "Conclusion of the 34th Session": 4 to 15 November (2019).
    34: (date(2019, 11, 4), date(2019, 11, 15)),
    # UPR Info, "Conclusion of the 35th Session": 20 to 31 January (2020).
    35: (date(2020, 1, 20), date(2020, 1, 31)),
    # OHCHR press release, 29 October 2020: 2 to 13 November, postponed from May (COVID-19).
    36: (date(2020, 11, 2), date(2020, 11, 13)),
    # OHCHR press release, 15 January 2021 (Saint Lucia): 18 to 29 January.
    37: (date(2021, 1, 18), date(2021, 1, 29)),
    # OHCHR press release, 28 April 2021: 3 to 14 May 2021.
    38: (date(2021, 5, 3), date(2021, 5, 14)),
    # OHCHR press release, 3 November 2021 (Antigua and Barbuda): 1 to 12 November.
    39: (date(2021, 11, 1), date(2021, 11, 12)),
    # OHCHR press release, 19 January 2022: 24 January to 3 February.
    40: (date(2022, 1, 24), date(2022, 2, 3)),
    # OHCHR press release (fourth cycle opens): 7 to 18 November (2022).
    41: (date(2022, 11, 7), date(2022, 11, 18)),
    # UPR Info, "42nd UPR Working Group: Key Highlights": 23 January to 3 February 2023.
    42: (date(2023, 1, 23), date(2023, 2, 3)),
    # OHCHR via Loop Tonga, 27 April 2023, and UPR Info: 1 to 12 May 2023.
    43: (date(2023, 5, 1), date(2023, 5, 12)),
    # OHCHR press release, 1 November 2023: 6 to 17 November 2023.
    44: (date(2023, 11, 6), date(2023, 11, 17)),
    # UPR Info, "45th UPR Working Group: Key Highlights": 22 January to 2 February (2024).
    45: (date(2024, 1, 22), date(2024, 2, 2)),
    # OHCHR press release (46th session): 29 April to 10 May 2024.
    46: (date(2024, 4, 29), date(2024, 5, 10)),
    # UPR Info, "47th UPR Working Group: Key Highlights": 4 to 15 November (2024).
    47: (date(2024, 11, 4), date(2024, 11, 15)),
    # OHCHR press release, 15 January 2025: 20 to 31 January 2025.
    48: (date(2025, 1, 20), date(2025, 1, 31)),
}


def upr_session_last_day(session: int) -> date | None:
    """The day the session closed, by which it had adopted every review's report."""
    dates = UPR_SESSIONS.get(session)
    return dates[1] if dates else None
