"""The charts: what a journalist sees and embeds. The table beside each chart holds the same
numbers as its bars; the filters are the API's; only the embed page may be framed."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree, html

from recommendations import services
from tests.factories import BodyFactory, DocumentFactory, RecommendationFactory, ThemeFactory, state

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def recommendation_to(code: str, *, body, issued_on=date(2020, 5, 1), position=None, due=None):
    recommendation = RecommendationFactory(document=DocumentFactory(body=body), issued_on=issued_on)
    due_date = {"response_due": due} if due else {}
    target = services.target_create(recommendation=recommendation, state=state(code), **due_date)
    if position:
        services.response_create(target=target, position=position, date=date(2021, 3, 1))
    return recommendation


@pytest.fixture
def world(db):
    """Two bodies' recommendations: the committee's to China (one supported, one rejected,
    one long overdue) and to Korea (noted); the rapporteur's to Korea (supported)."""
    committee = BodyFactory(
        acronym="CAT", name="Committee against Torture", name_ko="고문방지위원회"
    )
    rapporteur = BodyFactory(acronym="SR-DPRK", name="Special Rapporteur on the DPRK")
    refugees = ThemeFactory(slug="refugees", name="Refugees")
    recommendation_to("CHN", body=committee, position="supported").themes.add(refugees)
    recommendation_to("CHN", body=committee, position="rejected").themes.add(refugees)
    recommendation_to("CHN", body=committee, due=date(2019, 1, 1), issued_on=date(2018, 6, 1))
    recommendation_to("KOR", body=committee, position="noted")
    recommendation_to("KOR", body=rapporteur, position="supported", issued_on=date(2021, 2, 1))


def table(page: bytes, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, each cell's text."""
    (found,) = html.fromstring(page).xpath(f'//table[caption="{caption}"]')
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
        for row in found.xpath(".//tr")
    ]


def bars(svg: bytes) -> list[tuple[str, str]]:
    """Each bar's label as drawn (shortened to fit) and its <title>, which says it whole."""
    drawing = etree.fromstring(svg)
    return [
        (bar.find(f"{SVG}text").text, bar.find(f"{SVG}title").text)
        for bar in drawing.iter(f"{SVG}g")
        if bar.get("class") == "bar"
    ]


def test_each_table_counts_the_addressees_by_their_status_today(world):
    page = Client().get("/charts/").content

    assert table(page, "Status by issuing body") == [
        ["Issuing body", "Supported", "Noted", "Rejected", "Response overdue", "Total"],
        ["Committee against Torture", "1", "1", "1", "1", "4"],
        ["Special Rapporteur on the DPRK", "1", "0", "0", "0", "1"],
    ]
    assert table(page, "Status over time, by year of issue") == [
        ["Year", "Supported", "Noted", "Rejected", "Response overdue", "Total"],
        ["2018", "0", "0", "0", "1", "1"],
        ["2020", "1", "1", "1", "0", "3"],
        ["2021", "1", "0", "0", "0", "1"],
    ]
    assert table(page, "Recommendations by status") == [
        ["Status", "Recommendations"],
        ["Supported", "2"],
        ["Noted", "1"],
        ["Rejected", "1"],
        ["Response overdue", "1"],
    ]
    assert table(page, "Status by theme")[1] == ["Refugees", "1", "1", "2"]


def test_the_filters_are_the_apis(world):
    page = Client().get("/charts/?state=KOR").content

    assert table(page, "Status by addressee") == [
        ["Addressee", "Supported", "Noted", "Total"],
        ["Republic of Korea", "1", "1", "2"],
    ]


def test_the_image_has_one_bar_per_bucket_named_by_its_label(world):
    response = Client().get("/charts/body.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    drawing = etree.fromstring(response.content)
    assert drawing.find(f"{SVG}title").text == "Status by issuing body"
    assert drawing.get("role") == "img"
    assert bars(response.content) == [
        ("Committee against Torture", "Committee against Torture: 4"),
        ("Special Rapporteur on th…", "Special Rapporteur on the DPRK: 1"),
    ]


def test_the_image_of_a_year_draws_each_year_in_order(world):
    drawn = bars(Client().get("/charts/year.svg").content)

    assert [label for label, _ in drawn] == ["2018", "2020", "2021"]


def test_a_korean_reader_reads_korean_labels(world):
    page = Client().get("/charts/", HTTP_ACCEPT_LANGUAGE="ko").content
    image = Client().get("/charts/status.svg", HTTP_ACCEPT_LANGUAGE="ko").content

    rows = table(page, "발행 기구별 상태")
    assert rows[0][:3] == ["발행 기구", "수용", "유의"]
    assert rows[1][0] == "고문방지위원회"
    assert [label for label, _ in bars(image)] == ["수용", "유의", "거부", "답변 기한 경과"]


@pytest.mark.parametrize(
    "url", ["/charts/?state=XXX", "/embed/charts/body/?state=XXX", "/charts/body.svg?state=XXX"]
)
def test_a_filter_naming_nothing_is_a_400_naming_it(world, url):
    response = Client().get(url)

    assert response.status_code == 400
    assert "state: No state with the code XXX." in response.content.decode()


def test_a_chart_of_no_such_kind_is_a_404(world):
    assert Client().get("/charts/colours.svg").status_code == 404
    assert Client().get("/embed/charts/colours/").status_code == 404


def test_only_the_embed_page_may_be_framed(world):
    client = Client()

    embedded = client.get("/embed/charts/body/?state=CHN")

    assert embedded.status_code == 200
    assert "X-Frame-Options" not in embedded
    assert client.get("/charts/")["X-Frame-Options"] == "DENY"
    assert client.get("/")["X-Frame-Options"] == "DENY"
    page = embedded.content.decode()
    assert table(embedded.content, "Status by issuing body")[1][0] == "Committee against Torture"
    assert 'href="http://testserver/charts/?state=CHN"' in page


def test_each_chart_gives_its_embed_code(world):
    page = Client().get("/charts/?state=CHN").content.decode()

    assert (
        "&lt;iframe src=&quot;http://testserver/embed/charts/body/?state=CHN&quot;" in page
        or '&lt;iframe src="http://testserver/embed/charts/body/?state=CHN"' in page
    )
    assert 'value="http://testserver/charts/body.svg?state=CHN"' in page


def test_the_pages_show_their_charts(world):
    client = Client()

    home = client.get("/").content
    china = client.get("/states/CHN/").content
    committee = client.get("/bodies/CAT/").content

    assert table(home, "Status by issuing body")[1][0] == "Committee against Torture"
    assert table(china, "Status over time, by year of issue")[1] == ["2018", "0", "0", "1", "1"]
    assert table(committee, "Status by addressee")[1:] == [
        ["China", "1", "0", "1", "1", "3"],
        ["Republic of Korea", "0", "1", "0", "0", "1"],
    ]


def test_with_public_reading_off_the_charts_need_a_login(world, settings):
    settings.TRACKER_PUBLIC_READ = False

    for url in ["/charts/", "/embed/charts/body/", "/charts/body.svg"]:
        assert Client().get(url).status_code == 403, url


def add_bars():
    """For four more states, bodies, themes and years, recommendations to China, to that
    state, and from the CAT: a bar more in every chart of every page."""
    committee = BodyFactory(acronym="CAT")
    for code, year in [("KOR", 2001), ("PRK", 2002), ("JPN", 2003), ("USA", 2004)]:
        body = BodyFactory()
        for addressee in ("CHN", code):
            recommendation_to(
                addressee, body=body, position="noted", issued_on=date(year, 1, 1)
            ).themes.add(ThemeFactory())
        recommendation_to(code, body=committee, position="rejected", issued_on=date(year, 1, 1))


@pytest.fixture
def counted_in_each_request(settings, django_capture_on_commit_callbacks):
    """The bars added are committed (the cached pages and counts go stale) and counted in the
    next request, not read as the last counts (lasting_read): every query of a page counts."""
    settings.TRACKER_LASTING_COUNTS = False

    def add_committed_bars():
        with django_capture_on_commit_callbacks(execute=True):
            add_bars()

    return add_committed_bars


@pytest.mark.parametrize("url", ["/charts/", "/embed/charts/addressee/", "/charts/body.svg"])
def test_queries_do_not_grow_with_the_bars(
    db, url, django_assert_max_num_queries, counted_in_each_request
):
    recommendation_to("CHN", body=BodyFactory(), position="supported")

    # /charts/: the data version its counts are read under, one grouped count per chart
    # (five), the bodies' names for two of them; the session and the user are not read for an
    # anonymous client.
    with django_assert_max_num_queries(8):
        assert Client().get(url).status_code == 200
    counted_in_each_request()
    with django_assert_max_num_queries(8):
        assert Client().get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/states/CHN/", "/bodies/CAT/"])
def test_the_pages_charts_take_as_many_queries_for_many_bars(
    db, url, django_assert_max_num_queries, counted_in_each_request
):
    recommendation_to("CHN", body=BodyFactory(acronym="CAT"), position="supported")
    with CaptureQueriesContext(connection) as few:
        assert Client().get(url).status_code == 200
    counted_in_each_request()

    with django_assert_max_num_queries(len(few)):
        assert Client().get(url).status_code == 200
