"""Search as campaigners mean it (recommendations/search/, docs/search.md): through the API's
`q` and the public search page, as a reader types it."""

import io
from datetime import date
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client
from rest_framework.test import APIClient

from recommendations import selectors, services
from recommendations.models import AffectedGroup, Recommendation
from recommendations.search.metadata import search_metadata_write, search_metadata_write_all
from recommendations.search.query import search_parse
from tests.factories import BodyFactory, DocumentFactory, ThemeFactory, state
from website.selectors import search
from website.tasks import queue_recount

# The API's anonymous throttle counts in the cache, which outlives a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttle_counts")]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Recommendation.objects.get(paragraph="1221 (a)")


def recommendation(text: str, **relations) -> Recommendation:
    """Written as an editor writes it, through the service that keeps the search vector."""
    body = BodyFactory()
    return services.recommendation_create(
        text=text, issued_by=body, document=DocumentFactory(body=body), **relations
    )


def found(q: str) -> set[str]:
    response = APIClient().get("/api/recommendations/", {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    return {item["text"] for item in response.json()["results"]}


def test_woman_and_women_find_the_same_recommendations():
    recommendation("Protect women human rights defenders.")
    recommendation("Ensure that no woman is detained for her beliefs.")
    recommendation("Protect children in detention.")

    assert (
        found("woman")
        == found("women")
        == {
            "Protect women human rights defenders.",
            "Ensure that no woman is detained for her beliefs.",
        }
    )
    assert found("child") == found("children") == {"Protect children in detention."}


def test_a_theme_finds_a_recommendation_whose_text_does_not_say_it():
    theme = ThemeFactory(slug="lgbti", name="Rights of LGBTI persons")
    recommendation("Decriminalise consensual same-sex relations.", themes=[theme])
    recommendation("Abolish the death penalty.")

    assert found("LGBTI") == {"Decriminalise consensual same-sex relations."}


def test_what_the_text_says_ranks_above_what_the_metadata_says():
    theme = ThemeFactory(slug="torture", name="Torture")
    recommendation("Investigate every allegation of ill-treatment.", themes=[theme])
    recommendation("Criminalise torture in the penal code.")

    response = APIClient().get("/api/recommendations/", {"q": "torture"})

    assert [item["text"] for item in response.json()["results"]] == [
        "Criminalise torture in the penal code.",
        "Investigate every allegation of ill-treatment.",
    ]


def test_the_metadata_is_searched_again_after_a_rename_and_a_new_addressee():
    theme = ThemeFactory(slug="detention", name="Detention")
    written = recommendation("Release them.", themes=[theme])
    group = AffectedGroup.objects.create(name="Human rights defenders")
    services.recommendation_update(recommendation=written, affected_groups=[group])

    services.row_update(row=theme, name="Arbitrary detention")
    services.target_create(recommendation=written, state=state("PRK"))

    assert found("arbitrary") == {"Release them."}
    assert found('"human rights defenders"') == {"Release them."}
    assert found("DPRK") == {"Release them."}


def test_every_recommendations_metadata_written_at_once_is_what_each_is_written_alone(demo):
    """The bulk statement (migrations, `search_refresh`, the benchmark's load) and the one a
    write runs for its own recommendations give the same names."""
    no_body = recommendation("Ratify the Optional Protocol.")
    Recommendation.objects.filter(pk=no_body.pk).update(issued_by=None)
    Recommendation.objects.update(search_topics="", search_parties="")
    with connection.cursor() as cursor:
        assert search_metadata_write_all(cursor) > 0
        written = dict(Recommendation.objects.values_list("pk", "search_parties"))
        topics = dict(Recommendation.objects.values_list("pk", "search_topics"))
        assert topics[demo.pk] and written[demo.pk]
        # Written again one by one, nothing changes.
        assert search_metadata_write(cursor, ids=list(written)) == 0
        assert search_metadata_write_all(cursor) == 0
    # No issuing body, organisation, recommending state or addressee: the symbol alone.
    assert not no_body.targets.exists()
    assert written[no_body.pk] == no_body.document.symbol


def test_turkiye_finds_turkiye_written_without_its_accent_and_turkey():
    recommendation("Turkiye should ratify the Optional Protocol.")
    recommendation("Turkey should release the detained journalists.")

    assert found("Türkiye") == {
        "Turkiye should ratify the Optional Protocol.",
        "Turkey should release the detained journalists.",
    }


def test_abbreviations_find_what_they_stand_for():
    recommendation("Cooperate with the Office of the High Commissioner for Human Rights.")
    recommendation("Allow access to the Democratic People's Republic of Korea.")

    assert found("OHCHR") == {
        "Cooperate with the Office of the High Commissioner for Human Rights."
    }
    assert (
        found("DPRK")
        == found("north korea")
        == {"Allow access to the Democratic People's Republic of Korea."}
    )


def test_korean_and_chinese_terms_find_the_demos_non_refoulement_recommendations(demo):
    non_refoulement = set(
        Recommendation.objects.filter(themes__slug="non-refoulement").values_list("text", flat=True)
    )

    assert demo.text in found("강제송환")
    assert non_refoulement <= found("강제송환")
    assert non_refoulement <= found("不驱回")


def test_the_api_and_the_page_say_which_english_terms_were_searched(demo):
    response = APIClient().get("/api/recommendations/", {"q": "不驱回"})
    page = Client().get("/search/", {"q": "강제송환 中国"}).content.decode()

    assert unquote(response.headers["Search-Terms"]) == '"non-refoulement"'
    assert "Searched in English:" in page
    assert '<q lang="en">&quot;forced repatriation&quot; (&quot;China&quot; OR' in page


def test_a_word_the_glossary_lacks_is_said_not_searched(demo):
    page = Client().get("/search/", {"q": "강제송환 바나나"}).content.decode()

    assert "Not in the glossary, so not searched: 바나나" in page
    assert demo.text[:40] in page


def test_a_phrase_finds_its_words_in_that_order_only():
    recommendation("End the forced repatriation of refugees.")
    recommendation("Repatriation was forced on them.")

    assert found('"forced repatriation"') == {"End the forced repatriation of refugees."}
    assert found("forced repatriation") == {
        "End the forced repatriation of refugees.",
        "Repatriation was forced on them.",
    }


@pytest.mark.parametrize("q", ["refugees -torture", "refugees NOT torture", 'refugees -"torture"'])
def test_an_excluded_word_leaves_out_what_says_it(q):
    recommendation("Protect refugees from torture.")
    recommendation("Protect refugees from detention.")

    assert found(q) == {"Protect refugees from detention."}


def test_or_finds_either():
    recommendation("Protect refugees.")
    recommendation("Protect asylum-seekers.")
    recommendation("Protect journalists.")

    assert found("refugees OR asylum") == {"Protect refugees.", "Protect asylum-seekers."}


def test_a_trailing_star_finds_the_words_beginning_so():
    recommendation("End discrimination in employment.")
    recommendation("Repeal discriminatory laws.")
    recommendation("Protect children.")

    assert found("discrimin*") == {
        "End discrimination in employment.",
        "Repeal discriminatory laws.",
    }
    assert found("child*") == {"Protect children."}


@pytest.mark.parametrize(
    "q", ["'a' & !b", "women:* | (x", "it's*", '"unclosed', "-", "* OR", "NOT", "\\'"]
)
def test_tsquery_syntax_typed_is_searched_as_words_not_run(q):
    recommendation("Protect women.")

    response = APIClient().get("/api/recommendations/", {"q": q})

    assert response.status_code == 200, response.content


def test_the_excerpt_marks_the_matches_and_escapes_the_text():
    recommendation('Protect women & "girls" < men from <b onclick="steal()">abuse</b> now.')

    api = APIClient().get("/api/recommendations/", {"q": "women"}).json()["results"][0]
    page = Client().get("/search/", {"q": "women"}).content.decode()

    # ts_headline leaves the tags out; what is left is escaped.
    excerpt = "Protect <mark>women</mark> &amp; &quot;girls&quot; &lt; men from  abuse"
    assert api["search_excerpt"] == excerpt
    assert excerpt in page
    assert "steal()" not in page


def test_without_q_there_is_no_excerpt():
    recommendation("Protect women.")

    response = APIClient().get("/api/recommendations/")

    assert response.json()["results"][0]["search_excerpt"] is None
    assert "Search-Terms" not in response.headers


@pytest.mark.parametrize("page_size", [5, 50])
def test_a_search_takes_as_many_queries_for_50_results_as_for_5(
    django_assert_num_queries, page_size
):
    for number in range(50):
        recommendation(f"Protect women human rights defenders ({number}).")

    # the query searched (rewritten with the synonyms), data version (for the answer, then
    # for the count), count, page (with its related codes and names), documents, issuing
    # bodies, targets, the private documents withheld from the public, the page's excerpts:
    # the same ten for any page size.
    with django_assert_num_queries(10):
        response = APIClient().get("/api/recommendations/", {"q": "woman", "page_size": page_size})

    assert len(response.json()["results"]) == page_size


def test_korean_and_chinese_words_are_read_without_spaces_and_particles():
    lexicon = {"강제송환": [["forced repatriation"]], "중국": [["China"]]}

    def translate(word: str) -> list[list[str]]:
        return [english for term, english in lexicon.items() if term in word for english in english]

    parsed = search_parse("강제송환을 -중국", translate)

    assert parsed.english() == '"forced repatriation" -"China"'
    assert parsed.translated


def ranked(q: str, **params) -> list[str]:
    response = APIClient().get("/api/recommendations/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["text"] for item in response.json()["results"]]


@pytest.fixture
def torture_over_the_years(monkeypatch):
    """Five matches and a bound of three: the three newest are ranked, the two older follow."""
    monkeypatch.setattr(selectors, "SEARCH_RANKED_MATCHES", 3)
    texts = {
        2010: "Torture, torture and torture again: the oldest and the best match.",
        2012: "Prevent torture in prisons.",
        2014: "Criminalise torture, and investigate every allegation of torture.",
        2016: "Ratify the protocol against torture.",
        2018: "Train the police: no torture.",
    }
    for year, text in texts.items():
        written = recommendation(text)
        Recommendation.objects.filter(pk=written.pk).update(issued_on=date(year, 1, 1))
    return texts


def test_the_newest_matches_are_ranked_best_first_and_the_older_follow_newest_first(
    torture_over_the_years,
):
    texts = torture_over_the_years

    assert ranked("torture") == [
        # The three newest, the best match first (two mentions), then by date.
        texts[2014],
        texts[2018],
        texts[2016],
        # Past the bound, newest first: the best match of all is among them.
        texts[2012],
        texts[2010],
    ]


def test_pages_across_the_bound_list_every_match_once_and_count_them_all(
    torture_over_the_years,
):
    pages = [
        APIClient().get("/api/recommendations/", {"q": "torture", "page_size": 2, "page": n})
        for n in (1, 2, 3)
    ]

    assert [page.json()["count"] for page in pages] == [5, 5, 5]
    listed = [item["text"] for page in pages for item in page.json()["results"]]
    assert listed == ranked("torture")


def test_cursor_pages_and_an_ordering_asked_for_list_every_match(torture_over_the_years):
    texts = torture_over_the_years

    assert ranked("torture", ordering="issued_on") == [texts[year] for year in sorted(texts)]
    response = APIClient().get("/api/recommendations/", {"q": "torture", "cursor": ""})
    assert {item["text"] for item in response.json()["results"]} == set(texts.values())


def test_with_fewer_matches_than_the_bound_every_match_is_ranked():
    recommendation("Prevent torture in prisons.")
    recommendation("Torture, torture and torture again.")
    recommendation("Abolish the death penalty.")

    assert ranked("torture") == [
        "Torture, torture and torture again.",
        "Prevent torture in prisons.",
    ]


def test_the_search_page_lists_the_ranked_order(torture_over_the_years):
    found = search(QueryDict("q=torture"), recount=queue_recount)

    assert [row.text for row in found["page"].object_list] == ranked("torture")
