"""The demo campaign from a fresh load_demo: its scorecard, silence table and brief through
the API, the admin and the Word file, and mail out of the box."""

import io

import docx
import pytest
from django.core.management import call_command
from django.test import Client

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db

API = "/api/campaigns/stop-forced-repatriation"
CHINA = (
    "Recommended 5 times by 4 mechanisms since 2013; supported 1, noted 0, rejected 0, "
    "unanswered 4; implemented none."
)
COI_CITATION = (
    "Commission of Inquiry on Human Rights in the Democratic People's Republic of Korea, "
    "Report of the detailed findings of the commission of inquiry on human rights in the "
    "Democratic People’s Republic of Korea, A/HRC/25/CRP.1, 7 February 2014, para 1221 (a)"
)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Campaign.objects.get(slug="stop-forced-repatriation")


def test_the_scorecard_through_the_api_and_the_admin(demo, editor_client):
    scorecard = Client().get(f"{API}/scorecard/").json()

    china = next(row for row in scorecard["addressees"] if row["addressee"] == "CHN")
    assert china["sentence"] == CHINA
    assert {"A/HRC/40/6 para 28.301": "supported"}.items() <= {
        target["citation"]: target["status"] for target in china["targets"]
    }.items()
    assert scorecard["mechanisms"]["COI-DPRK"] == 3
    assert scorecard["asks"] == 12
    page = editor_client.get(f"/admin/campaigns/campaign/{demo.pk}/change/").content.decode()
    assert CHINA in page


def test_the_silence_table_shows_south_korea_silent_in_2018_while_others_spoke(demo):
    silence = {row["actor"]: row for row in Client().get(f"{API}/silence/").json()}

    assert silence["KOR"]["last_spoke"] is None
    assert silence["KOR"]["silent_since_count"] == 2
    assert silence["USA"]["last_spoke"] == "2018-11-06"
    assert silence["DEU"]["last_spoke"] == "2018-11-06"
    assert silence["OHCHR"]["last_spoke"] == "2023-03-28"
    quiet_2021 = next(w for w in silence["OHCHR"]["words"] if w["date"] == "2021-01-11")
    assert (quiet_2021["spoke"], quiet_2021["mentions"]) == (False, "no")
    upr_2018 = next(w for w in silence["KOR"]["words"] if w["symbol"] == "A/HRC/40/6")
    assert upr_2018["note"] == "4 recommendations, none on the campaign's themes"


def test_the_brief_opens_in_word_with_full_citations_quotes_and_the_silence_table(demo):
    response = Client().get(f"{API}/brief/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="brief-')
    word = docx.Document(io.BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    assert COI_CITATION in paragraphs
    quote = paragraphs[paragraphs.index(COI_CITATION) - 1]
    assert quote.startswith("“respect the principle of non-refoulement”")
    assert "Letter from ANKHRO, CSR and JFNK to the United Nations High Commissioner" in " ".join(
        paragraphs
    )
    [table] = word.tables
    rows = {row.cells[0].text: row.cells for row in table.rows[1:]}
    assert rows["Republic of Korea"][1].text == "never, on record"
    assert "A/HRC/40/6" in rows["Republic of Korea"][3].text


def test_a_pasted_control_character_does_not_break_the_word_file(demo):
    link = demo.links.select_related("recommendation").first()
    link.note = "why\x0b it matters"
    link.save()
    demo.goal = "Stop\x01 the returns"
    demo.save()

    response = Client().get(f"{API}/brief/")

    assert response.status_code == 200
    assert docx.Document(io.BytesIO(response.content)).paragraphs[1].text == "Stop the returns"


def test_the_printable_brief_in_korean_keeps_the_quotes_in_english(demo):
    page = (
        Client()
        .get("/campaigns/stop-forced-repatriation/brief/", HTTP_ACCEPT_LANGUAGE="ko")
        .content.decode()
    )

    assert '<html lang="ko">' in page
    assert "침묵" in page  # the silence table's heading
    assert "respect the principle of non-refoulement" in page


def test_the_timeline_runs_in_date_order_through_asks_reviews_and_events(demo):
    timeline = Client().get(f"{API}/timeline/").json()

    dates = [entry["date"] for entry in timeline]
    assert dates == sorted(dates)
    kinds = {entry["kind"] for entry in timeline}
    assert {"recommendation", "deadline", "response", "mention", "event"} <= kinds
    assert {"date": "2011-09-15", "kind": "deadline"}.items() <= next(
        entry for entry in timeline if entry["kind"] == "deadline"
    ).items()


def test_the_desks_get_a_reminder_digest_and_silence_alerts_out_of_the_box(
    demo, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-12-02", stdout=io.StringIO())
    digest = next(m for m in mailoutbox if m.to == ["seoul-desk@campaign.example.org"])
    assert "Letter from ANKHRO, CSR and JFNK" in digest.body or "2011" in digest.body
    mailoutbox.clear()

    call_command("sweep_silence", "--date", "2026-12-02", stdout=io.StringIO())

    subjects = {(m.to[0], m.subject) for m in mailoutbox}
    assert (
        "geneva-desk@campaign.example.org",
        "Republic of Korea has been silent on Stop the forced repatriation of North Korean "
        "refugees",
    ) in subjects
    # In Korean for the Seoul desk, whose preference is Korean.
    assert any(
        to == "seoul-desk@campaign.example.org" and "침묵" in subject for to, subject in subjects
    )
