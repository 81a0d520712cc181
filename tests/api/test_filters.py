from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from campaigns import services as campaign_services
from recommendations import selectors, services
from recommendations.choices import BodyKind
from recommendations.models import Recommendation, Target, Theme
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    RecommendationFactory,
    TargetFactory,
    ThemeFactory,
    state,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def recommendation(name: str, *, themes=(), recommending_states=(), organizations=(), **fields):
    made = RecommendationFactory(text=f"{name}: {fields.pop('text', '')}", **fields)
    made.themes.set([ThemeFactory(slug=slug) for slug in themes])
    made.recommending_states.set([state(code) for code in recommending_states])
    made.organizations.set(organizations)
    return made


@pytest.fixture
def world():
    """Four recommendations, each name saying what it is."""
    commission = BodyFactory(acronym="COI-DPRK", kind=BodyKind.INQUIRY)
    coi = recommendation(
        "coi",
        text="Respect the principle of non-refoulement.",
        document=DocumentFactory(symbol="A/HRC/25/CRP.1", body=commission),
        issued_by=commission,
        paragraph="1221 (a)",
        issued_on=date(2014, 2, 7),
        themes=["non-refoulement"],
    )
    coi_china = TargetFactory(recommendation=coi, state=state("CHN"))
    services.response_create(target=coi_china, position="rejected", date=date(2014, 3, 17))
    services.assessment_create(
        target=coi_china, implementation="not_implemented", assessed_on=date(2023, 10, 9)
    )
    TargetFactory(recommendation=coi, state=state("PRK"))

    upr = recommendation(
        "upr",
        text="Establish refugee status determination procedures.",
        document=DocumentFactory(symbol="A/HRC/40/6"),
        issued_by=BodyFactory(acronym="UPR", kind=BodyKind.UPR),
        issued_on=date(2018, 12, 31),
        themes=["refugee-status-determination"],
        recommending_states=["USA", "KOR"],
    )
    upr_china = TargetFactory(recommendation=upr, state=state("CHN"), response_due=date(2019, 3, 1))
    services.response_create(target=upr_china, position="supported", date=date(2019, 3, 15))

    letter = recommendation(
        "letter",
        text="Raise your voice and demand cessation of all repatriation.",
        document=DocumentFactory(symbol="", body=None),
        issued_by=None,
        issued_on=date(2011, 6, 17),
        themes=["forced-repatriation", "non-refoulement"],
        organizations=[OrganizationFactory(name="Justice for North Korea", acronym="JFNK")],
    )
    services.target_create(
        recommendation=letter,
        body=BodyFactory(acronym="UNHCR", kind=BodyKind.OFFICE),
        response_due=date(2011, 9, 15),
    )

    cat = recommendation(
        "cat",
        text="Refrain from forcibly returning persons at risk of torture.",
        document=DocumentFactory(symbol="CAT/C/CHN/CO/5"),
        issued_by=BodyFactory(acronym="CAT", kind=BodyKind.TREATY_BODY),
        issued_on=date(2015, 12, 9),
        themes=["torture"],
    )
    TargetFactory(recommendation=cat, state=state("PRK"), response_due=date(2099, 1, 1))
    return {"coi": coi, "upr": upr, "letter": letter, "cat": cat}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["text"].split(":")[0] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("body=CAT", {"cat"}),
        ("body=CAT,UPR", {"cat", "upr"}),
        ("body_kind=inquiry", {"coi"}),
        ("body_kind=upr,treaty_body", {"upr", "cat"}),
        ("theme=non-refoulement", {"coi", "letter"}),
        ("theme=torture,refugee-status-determination", {"cat", "upr"}),
        ("recommending_state=KOR", {"upr"}),
        ("organization=JFNK", {"letter"}),
        ("organization=Justice for North Korea", {"letter"}),
        ("document=A/HRC/25/CRP.1", {"coi"}),
        ("issued_on_after=2015-01-01", {"upr", "cat"}),
        ("issued_on_before=2014-02-07", {"coi", "letter"}),
        ("q=refoulement", {"coi", "letter"}),  # the letter by its theme
        ("state=CHN", {"coi", "upr"}),
        ("state=chn,prk", {"coi", "upr", "cat"}),
        ("addressee_body=UNHCR", {"letter"}),
        ("status=supported", {"upr"}),
        ("status=response_overdue,not_implemented", {"letter", "coi"}),
        ("position=rejected", {"coi"}),
        ("implementation=not_implemented", {"coi"}),
        ("response_due_after=2019-01-01", {"upr", "cat"}),
        ("response_due_before=2012-01-01", {"letter"}),
        ("overdue=true", {"letter"}),
        ("overdue=false", {"coi", "upr", "cat"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_filter_of_the_recommendation_list(api_client, world, query, expected):
    assert names(api_client.get(f"/api/recommendations/?{query}")) == expected


def test_target_filters_must_hold_for_one_and_the_same_target(api_client, world):
    # The COI recommendation is addressed to China, which rejected it, and to the DPRK,
    # which has not answered.
    assert names(api_client.get("/api/recommendations/?state=CHN&position=rejected")) == {"coi"}
    assert names(api_client.get("/api/recommendations/?state=PRK&position=rejected")) == set()
    assert names(api_client.get("/api/recommendations/?state=CHN&status=awaiting_response")) == (
        set()
    )
    assert names(api_client.get("/api/recommendations/?state=PRK&status=awaiting_response")) == {
        "coi",
        "cat",
    }


def test_recommendation_and_target_filters_combine(api_client, world):
    assert names(api_client.get("/api/recommendations/?theme=non-refoulement&state=CHN")) == {"coi"}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("issued_on", ["letter", "coi", "cat", "upr"]),
        ("-issued_on", ["upr", "cat", "coi", "letter"]),
        ("document", ["letter", "coi", "upr", "cat"]),
    ],
)
def test_the_list_is_ordered_as_asked(api_client, world, ordering, expected):
    results = api_client.get(f"/api/recommendations/?ordering={ordering}").json()["results"]

    assert [item["text"].split(":")[0] for item in results] == expected


def test_the_default_order_is_newest_first(api_client, world):
    results = api_client.get("/api/recommendations/").json()["results"]

    assert [item["issued_on"] for item in results] == sorted(
        (item["issued_on"] for item in results), reverse=True
    )


@pytest.mark.parametrize(
    ("query", "parameter", "reason"),
    [
        ("state=XXX", "state", "No state with the code XXX."),
        ("state=CHN,XXX", "state", "No state with the code XXX."),
        ("theme=no-such-theme", "theme", "No theme with the slug no-such-theme."),
        ("status=nonsense", "status", "nonsense is not one of the available choices"),
        ("issued_on_after=notadate", "issued_on_after", "Enter a valid date."),
        ("issued_on_before=2014-13-01", "issued_on_before", "Enter a valid date."),
        ("body=NOPE", "body", "No body with the acronym NOPE."),
        ("addressee_body=NOPE", "addressee_body", "No body with the acronym NOPE."),
        ("body_kind=court", "body_kind", "court is not one of the available choices"),
        ("recommending_state=ZZZ", "recommending_state", "No state with the code ZZZ."),
        ("organization=NOPE", "organization", "No organization with the acronym or name NOPE."),
        ("document=A/HRC/0/0", "document", "No document with the symbol A/HRC/0/0."),
        ("position=maybe", "position", "maybe is not one of the available choices"),
        ("implementation=soon", "implementation", "soon is not one of the available choices"),
        ("response_due_after=yesterday", "response_due_after", "Enter a valid date."),
        ("overdue=maybe", "overdue", "Enter true or false."),
        ("ordering=price", "ordering", "price is not one of the available choices"),
        ("q=%00", "q", "Null characters are not allowed."),
        ("state=%25s", "state", "No state with the code %S."),
    ],
)
def test_a_value_that_names_nothing_is_a_400_naming_the_parameter(
    api_client, world, query, parameter, reason
):
    for endpoint in ("recommendations", "targets", "stats"):
        response = api_client.get(f"/api/{endpoint}/?{query}")

        assert response.status_code == 400, (endpoint, response.content)
        [message] = response.json()[parameter]
        assert reason in message


def test_the_seed_case_finds_the_commissions_paragraph_1221_a(api_client):
    call_command("load_demo")

    results = api_client.get("/api/recommendations/?state=CHN&theme=non-refoulement").json()

    found = {(item["document"]["symbol"], item["paragraph"]) for item in results["results"]}
    assert ("A/HRC/25/CRP.1", "1221 (a)") in found


def test_full_text_search_ranks_the_best_match_first(api_client):
    call_command("load_demo")
    RecommendationFactory(text="Refoulement, refoulement and again refoulement.")

    results = api_client.get("/api/recommendations/?q=refoulement").json()["results"]

    texts = [item["text"] for item in results]
    assert texts[0] == "Refoulement, refoulement and again refoulement."
    assert any(item["paragraph"] == "1221 (a)" for item in results)
    # Those that say it rank above those found by their theme alone.
    says_it = ["refoul" in text.lower() for text in texts]
    assert says_it == sorted(says_it, reverse=True)
    assert not all(says_it)


def test_full_text_search_stems_words(api_client):
    RecommendationFactory(text="Stop forcibly repatriating refugees.")

    results = api_client.get("/api/recommendations/?q=repatriate").json()["results"]

    assert [item["text"] for item in results] == ["Stop forcibly repatriating refugees."]


def test_full_text_search_is_answered_from_the_gin_index():
    from recommendations.models import Recommendation
    from recommendations.selectors import recommendations_search

    query = recommendations_search(Recommendation.objects.all(), "refoulement")
    with connection.cursor() as cursor:
        # On a handful of rows the planner would rightly scan; make it show it can use the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()

    assert "recommendation_search_vector" in plan


def test_the_targets_list_takes_the_same_parameters_and_lists_matching_targets(api_client, world):
    results = api_client.get("/api/targets/?theme=non-refoulement").json()["results"]
    assert {item["addressee"] for item in results} == {"CHN", "PRK", "UNHCR"}

    results = api_client.get("/api/targets/?state=PRK&body=COI-DPRK").json()["results"]
    assert [(item["addressee"], item["recommendation"]) for item in results] == [
        ("PRK", world["coi"].pk)
    ]

    results = api_client.get(f"/api/targets/?recommendation={world['upr'].pk}").json()
    assert [item["status"] for item in results["results"]] == ["supported"]

    results = api_client.get(
        "/api/targets/?ordering=-response_due&state=PRK,CHN&response_due_after=2000-01-01"
    ).json()
    assert [item["response_due"] for item in results["results"]] == [
        "2099-01-01",
        "2019-03-01",
    ]


def test_a_recommendation_id_that_names_nothing_is_a_400(api_client, world):
    response = api_client.get("/api/targets/?recommendation=999999")

    assert response.status_code == 400
    assert response.json() == {"recommendation": ["No recommendation with the pk 999999."]}


def test_an_object_is_found_by_its_id_whatever_the_list_filters_say(api_client, world):
    response = api_client.get(f"/api/recommendations/{world['cat'].pk}/?state=CHN")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("few_targets", "starts_from"),
    [(10**9, "the matching targets"), (0, "the recommendations by date")],
)
def test_a_list_filtered_on_targets_is_the_same_whichever_table_it_starts_from(
    api_client, monkeypatch, few_targets, starts_from
):
    """Few matching targets (by the planner's estimate) start the query from the targets, in
    one ARRAY of ids; many, from the recommendations by date. Both give the same page."""
    monkeypatch.setattr(selectors, "FEW_TARGETS", few_targets)
    newest = RecommendationFactory(issued_on=date(2019, 3, 15))
    oldest = RecommendationFactory(issued_on=date(2014, 2, 7))
    for wanted in (newest, oldest):
        TargetFactory(recommendation=wanted, state=state("CHN"), status="supported")
    TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"), status="noted")
    TargetFactory(recommendation=RecommendationFactory(), state=state("PRK"), status="supported")

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/recommendations/?state=CHN&status=supported")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newest.pk, oldest.pk]
    assert response.json()["count"] == 2
    from_ids = any("= ANY(ARRAY(" in query["sql"] for query in queries.captured_queries)
    assert from_ids == (starts_from == "the matching targets")


@pytest.mark.parametrize("few_targets", [10**9, 0], ids=["from the targets", "from the dates"])
def test_a_list_filtered_on_targets_and_themes_keeps_only_what_meets_both(
    api_client, monkeypatch, few_targets
):
    """From few targets, each theme or recommending state narrows their recommendations'
    ids before any recommendation is read; from many, it is a condition of the walk. A
    recommendation must meet every such filter and have a target that meets the others."""
    monkeypatch.setattr(selectors, "FEW_TARGETS", few_targets)
    both = recommendation("both", themes=["torture"], recommending_states=["KOR"])
    theme_only = recommendation("theme only", themes=["torture"])
    neither = recommendation("neither", recommending_states=["KOR"])
    elsewhere = recommendation("elsewhere", themes=["torture"], recommending_states=["KOR"])
    for made in (both, theme_only, neither):
        TargetFactory(recommendation=made, state=state("CHN"), status="supported")
    TargetFactory(recommendation=elsewhere, state=state("PRK"), status="supported")

    def listed(query: str) -> set[str]:
        return names(api_client.get(f"/api/recommendations/?state=CHN&status=supported&{query}"))

    assert listed("theme=torture") == {"both", "theme only"}
    with CaptureQueriesContext(connection) as queries:
        assert listed("theme=torture&recommending_state=KOR") == {"both"}
    # Never two arrays of ids for the recommendations' key: PostgreSQL reads every pair.
    key = '"recommendations_recommendation"."id" = ANY('
    assert max(query["sql"].count(key) for query in queries.captured_queries) <= 1
    assert listed("recommending_state=KOR") == {"both", "neither"}
    # A campaign's links are a reverse relation, not a link table of the recommendations.
    campaign = campaign_services.campaign_create(
        slug="return", name="Return", goal="No forced return", public=True
    )
    for linked in (both, neither, elsewhere):
        campaign_services.link_create(campaign=campaign, recommendation=linked)
    with CaptureQueriesContext(connection) as queries:
        assert listed("campaign=return") == {"both", "neither"}
    # Read from the links alone: a join to the recommendations for every link doubled the time.
    links = [query["sql"] for query in queries.captured_queries if "campaignlink" in query["sql"]]
    assert links
    assert not any('JOIN "recommendations_recommendation"' in sql for sql in links)
    assert not any('FROM "recommendations_recommendation" V' in sql for sql in links)
    assert listed("campaign=return&theme=torture") == {"both"}


@pytest.mark.parametrize(
    "members",
    [
        lambda: Theme.objects.all(),
        lambda: Theme.objects.values("pk", "slug"),
        lambda: Theme.objects.values("pk").annotate(n=Count("recommendations")),
    ],
    ids=["instances", "two columns", "a column and an annotation"],
)
def test_the_narrowing_takes_only_one_column_of_ids(members):
    with pytest.raises(ValueError, match="one column"):
        selectors.recommendations_with_a_target_in(
            Recommendation.objects.all(), Target.objects.all(), members_of=[members()]
        )


def target_statuses(api_client, query: str) -> dict[int, str]:
    response = api_client.get(f"/api/targets/?{query}")
    assert response.status_code == 200, response.content
    return {item["id"]: item["status"] for item in response.json()["results"]}


def test_overdue_lists_no_target_the_status_rule_calls_implemented(api_client):
    # Overdue by its date, but assessed as implemented: the rule says implemented.
    target = TargetFactory(response_due=date(2026, 1, 1))
    services.assessment_create(
        target=target, implementation="implemented", assessed_on=date(2026, 2, 1)
    )

    assert target_statuses(api_client, "overdue=true") == {}
    assert target_statuses(api_client, "status=response_overdue") == {}
    assert target_statuses(api_client, "overdue=false") == {target.pk: "implemented"}
    assert names(api_client.get("/api/recommendations/?overdue=true")) == set()


def test_a_target_assessed_implemented_then_unknown_is_overdue_for_every_filter(api_client):
    target = TargetFactory(response_due=date(2026, 1, 1))
    for implementation, day in [("implemented", date(2026, 2, 1)), ("unknown", date(2026, 3, 1))]:
        services.assessment_create(target=target, implementation=implementation, assessed_on=day)

    expected = {target.pk: "response_overdue"}
    assert target_statuses(api_client, "overdue=true") == expected
    assert target_statuses(api_client, "status=response_overdue") == expected
    assert target_statuses(api_client, "overdue=false") == {}


def test_a_response_that_became_overdue_since_its_status_was_stored_is_overdue(api_client):
    target = TargetFactory(response_due=TODAY)
    services.target_refresh_status(target=target)
    assert target_statuses(api_client, "status=awaiting_response") == {
        target.pk: "awaiting_response"
    }

    with time_machine.travel(date(2026, 11, 24), tick=False):
        expected = {target.pk: "response_overdue"}
        assert target_statuses(api_client, "overdue=true") == expected
        assert target_statuses(api_client, "status=response_overdue") == expected
        assert target_statuses(api_client, "status=awaiting_response") == {}
        assert target_statuses(api_client, "") == expected


# Each recommendation of the grid: its themes, its recommending states, whether it is by AI
# (else by HRW), whether the campaign "return" links it (else the campaign "detention"), and
# its targets as (state, latest position, latest implementation).
GRID = {
    "a": ({"torture"}, {"KOR"}, True, True, [("CHN", "supported", "implemented")]),
    "b": ({"torture"}, set(), False, True, [("CHN", "noted", None), ("PRK", "supported", None)]),
    "c": (set(), {"KOR"}, True, False, [("CHN", "supported", "not_implemented")]),
    "d": ({"torture", "detention"}, {"KOR", "JPN"}, False, True, [("PRK", "noted", "implemented")]),
    "e": ({"detention"}, set(), True, True, [("CHN", None, None), ("PRK", "supported", None)]),
    "f": (set(), set(), False, False, [("CHN", "noted", "implemented")]),
}
RECOMMENDATION_FILTERS = [
    "theme=torture",
    "recommending_state=KOR",
    "organization=AI",
    "campaign=return",
]
TARGET_FILTERS = ["state=CHN", "position=supported", "implementation=implemented", ""]


def _recommendation_meets(name: str, query: str) -> bool:
    themes, recommending, by_ai, linked, _ = GRID[name]
    return {
        "theme=torture": "torture" in themes,
        "recommending_state=KOR": "KOR" in recommending,
        "organization=AI": by_ai,
        "campaign=return": linked,
    }[query]


def _target_meets(target: tuple, query: str) -> bool:
    addressee, position, implementation = target
    return {
        "state=CHN": addressee == "CHN",
        "position=supported": position == "supported",
        "implementation=implemented": implementation == "implemented",
        "": True,
    }[query]


@pytest.mark.parametrize("few_targets", [10**9, 0], ids=["from the targets", "from the dates"])
def test_every_filter_of_a_relation_with_every_filter_of_a_target_means_the_same_on_both_lists(
    api_client, monkeypatch, few_targets
):
    """A recommendation is listed when it meets every recommendation filter and one of its
    targets meets every target filter; a target, when it meets those and its recommendation
    meets the others. Held for each pair of filters, whichever table the list starts from."""
    monkeypatch.setattr(selectors, "FEW_TARGETS", few_targets)
    amnesty = OrganizationFactory(acronym="AI", name="Amnesty International")
    watch = OrganizationFactory(acronym="HRW", name="Human Rights Watch")
    campaign = campaign_services.campaign_create(
        slug="return", name="Return", goal="No forced return", public=True
    )
    # Another of each, on the others: a filter that ignored which one was named would fail.
    other = campaign_services.campaign_create(
        slug="detention", name="Detention", goal="End arbitrary detention", public=True
    )
    targets = {}
    for name, (themes, recommending, by_ai, linked, addressed) in GRID.items():
        made = recommendation(
            name,
            themes=themes,
            recommending_states=recommending,
            organizations=[amnesty] if by_ai else [watch],
        )
        campaign_services.link_create(campaign=campaign if linked else other, recommendation=made)
        for addressee, position, implementation in addressed:
            target = TargetFactory(recommendation=made, state=state(addressee))
            targets[target.pk] = (name, (addressee, position, implementation))
            if position:
                services.response_create(target=target, position=position, date=date(2020, 5, 4))
            if implementation:
                services.assessment_create(
                    target=target, implementation=implementation, assessed_on=date(2023, 6, 7)
                )

    for of_recommendation in RECOMMENDATION_FILTERS:
        for of_target in TARGET_FILTERS:
            query = f"{of_recommendation}&{of_target}"
            expected_recommendations = {
                name
                for name, (*_, addressed) in GRID.items()
                if _recommendation_meets(name, of_recommendation)
                and any(_target_meets(target, of_target) for target in addressed)
            }
            expected_targets = {
                pk
                for pk, (name, target) in targets.items()
                if _recommendation_meets(name, of_recommendation)
                and _target_meets(target, of_target)
            }
            assert names(api_client.get(f"/api/recommendations/?{query}")) == (
                expected_recommendations
            ), query
            assert set(target_statuses(api_client, query)) == expected_targets, query
