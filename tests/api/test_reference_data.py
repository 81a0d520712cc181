"""Documents, bodies, states, themes and organisations: lookups by natural key, filters,
and deletes that other rows block."""

from datetime import date

import pytest

from recommendations.choices import BodyKind, DocumentKind
from recommendations.models import Body, State
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    ResponseFactory,
    TargetFactory,
    ThemeFactory,
    state,
)

pytestmark = pytest.mark.django_db


def test_a_body_cannot_be_its_own_parent(editor_api):
    BodyFactory(acronym="OHCHR")

    response = editor_api.patch("/api/bodies/OHCHR/", {"parent": "OHCHR"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["A body cannot be its own parent, directly or through its parents."]
    }
    assert Body.objects.get(acronym="OHCHR").parent is None


def test_a_body_cannot_be_the_parent_of_its_own_ancestor(editor_api):
    un = BodyFactory(acronym="UN")
    hrc = BodyFactory(acronym="HRC", parent=un)
    BodyFactory(acronym="WGAD", parent=hrc)

    response = editor_api.patch("/api/bodies/UN/", {"parent": "WGAD"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert Body.objects.get(acronym="UN").parent is None


def test_a_body_may_move_under_another_branch(editor_api):
    un = BodyFactory(acronym="UN")
    BodyFactory(acronym="HRC", parent=un)
    wgad = BodyFactory(acronym="WGAD", parent=un)

    response = editor_api.patch("/api/bodies/WGAD/", {"parent": "HRC"}, format="json")

    assert response.status_code == 200
    wgad.refresh_from_db()
    assert wgad.parent.acronym == "HRC"


def test_a_state_is_looked_up_by_its_code(api_client):
    data = api_client.get("/api/states/CHN/").json()

    assert data["name"] == "China"
    assert data["api_url"] == "http://testserver/api/states/CHN/"


def test_a_body_is_looked_up_by_its_acronym_even_with_a_slash(api_client):
    BodyFactory(acronym="OHCHR/Seoul", name="OHCHR Seoul")

    data = api_client.get("/api/bodies/OHCHR/Seoul/").json()

    assert data["name"] == "OHCHR Seoul"
    assert data["api_url"] == "http://testserver/api/bodies/OHCHR/Seoul/"


def test_a_theme_is_looked_up_by_its_slug(api_client):
    ThemeFactory(slug="non-refoulement", name="Non-refoulement")

    assert api_client.get("/api/themes/non-refoulement/").json()["name"] == "Non-refoulement"


def test_a_document_reads_with_its_body_and_organisations_by_name(api_client):
    document = DocumentFactory(
        symbol="A/HRC/25/CRP.1", body=BodyFactory(acronym="COI-DPRK"), date=date(2014, 2, 7)
    )
    document.organizations.set([OrganizationFactory(name="Justice for North Korea")])

    data = api_client.get(f"/api/documents/{document.pk}/").json()

    assert (data["symbol"], data["body"], data["organizations"], data["date"]) == (
        "A/HRC/25/CRP.1",
        "COI-DPRK",
        ["Justice for North Korea"],
        "2014-02-07",
    )


def test_a_second_document_with_the_same_symbol_is_a_400_naming_the_symbol(editor_api):
    DocumentFactory(symbol="A/HRC/25/CRP.1")

    response = editor_api.post(
        "/api/documents/",
        {"symbol": "A/HRC/25/CRP.1", "title": "Again", "kind": "report"},
        format="json",
    )

    assert response.status_code == 400
    [message] = response.json()["symbol"]
    assert "with this symbol already exists" in message


def test_documents_without_a_symbol_do_not_clash(editor_api):
    for title in ("Letter to UNHCR", "Letter to OHCHR"):
        response = editor_api.post(
            "/api/documents/", {"symbol": "", "title": title, "kind": "letter"}, format="json"
        )
        assert response.status_code == 201


def test_a_state_code_must_be_three_capital_letters(editor_api):
    response = editor_api.post("/api/states/", {"code": "k/x", "name": "Kosovo"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["code"]


def test_deleting_a_body_that_documents_refer_to_is_a_409(superuser_api):
    DocumentFactory(body=BodyFactory(acronym="CAT"))

    response = superuser_api.delete("/api/bodies/CAT/")

    assert response.status_code == 409
    assert response.json() == {"detail": "Cannot delete: documents still refer to it."}
    assert Body.objects.filter(acronym="CAT").exists()


def test_deleting_a_state_with_targets_is_a_409(superuser_api):
    TargetFactory(state=state("CHN"))

    assert superuser_api.delete("/api/states/CHN/").status_code == 409
    assert State.objects.filter(code="CHN").exists()


def codes(response, key: str) -> list:
    assert response.status_code == 200, response.content
    return sorted(item[key] for item in response.json()["results"])


@pytest.fixture
def documents():
    cat = BodyFactory(acronym="CAT")
    DocumentFactory(symbol="CAT/C/CHN/CO/5", kind=DocumentKind.CONCLUDING_OBSERVATIONS, body=cat)
    DocumentFactory(symbol="A/HRC/25/CRP.1", date=date(2014, 2, 7))
    letter = DocumentFactory(symbol="", title="Letter", kind=DocumentKind.LETTER, body=None)
    letter.organizations.set([OrganizationFactory(acronym="JFNK")])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("symbol=A/HRC/25/CRP.1", ["A/HRC/25/CRP.1"]),
        ("kind=letter,concluding_observations", ["", "CAT/C/CHN/CO/5"]),
        ("body=CAT", ["CAT/C/CHN/CO/5"]),
        ("organization=JFNK", [""]),
        ("date_after=2014-01-01", ["A/HRC/25/CRP.1"]),
        ("date_before=2014-12-31", ["A/HRC/25/CRP.1"]),
    ],
)
def test_each_document_filter(api_client, documents, query, expected):
    assert codes(api_client.get(f"/api/documents/?{query}"), "symbol") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("kind=office", ["OHCHR", "OHCHR-Seoul"]), ("parent=OHCHR", ["OHCHR-Seoul"])],
)
def test_each_body_filter(api_client, query, expected):
    ohchr = BodyFactory(acronym="OHCHR", kind=BodyKind.OFFICE)
    BodyFactory(acronym="OHCHR-Seoul", kind=BodyKind.OFFICE, parent=ohchr)
    BodyFactory(acronym="CAT")

    assert codes(api_client.get(f"/api/bodies/?{query}"), "acronym") == expected


def test_the_state_filter_matches_part_of_the_name(api_client):
    assert codes(api_client.get("/api/states/?name=korea"), "code") == ["KOR", "PRK"]


@pytest.mark.parametrize(
    ("query", "expected"), [("name=refoul", ["non-refoulement"]), ("uhri_code=D51", ["torture"])]
)
def test_each_theme_filter(api_client, query, expected):
    ThemeFactory(slug="non-refoulement", name="Non-refoulement")
    ThemeFactory(slug="torture", name="Torture", uhri_code="D51")

    assert codes(api_client.get(f"/api/themes/?{query}"), "slug") == expected


@pytest.mark.parametrize(
    ("query", "expected"), [("acronym=HRNK", ["HRNK"]), ("country=KOR", ["NKHR"])]
)
def test_each_organization_filter(api_client, query, expected):
    OrganizationFactory(acronym="HRNK", country=state("USA"))
    OrganizationFactory(acronym="NKHR", country=state("KOR"))

    assert codes(api_client.get(f"/api/organizations/?{query}"), "acronym") == expected


@pytest.fixture
def answers():
    china = TargetFactory(state=state("CHN"))
    korea = TargetFactory(state=state("PRK"))
    ResponseFactory(target=china, position="rejected", date=date(2014, 3, 17))
    ResponseFactory(target=korea, position="noted", date=date(2019, 5, 1))
    AssessmentFactory(target=china, implementation="not_implemented", assessed_on=date(2023, 8, 11))
    AssessmentFactory(target=korea, implementation="unknown", assessed_on=date(2015, 1, 1))
    return {"china": china, "korea": korea}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("target={china}", ["rejected"]),
        ("recommendation={china_recommendation}", ["rejected"]),
        ("state=PRK", ["noted"]),
        ("position=noted,rejected", ["noted", "rejected"]),
        ("date_after=2015-01-01", ["noted"]),
        ("date_before=2015-01-01", ["rejected"]),
    ],
)
def test_each_response_filter(api_client, answers, query, expected):
    query = query.format(
        china=answers["china"].pk, china_recommendation=answers["china"].recommendation_id
    )

    assert codes(api_client.get(f"/api/responses/?{query}"), "position") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("target={korea}", ["unknown"]),
        ("recommendation={korea_recommendation}", ["unknown"]),
        ("state=CHN", ["not_implemented"]),
        ("implementation=unknown", ["unknown"]),
        ("assessed_on_after=2020-01-01", ["not_implemented"]),
        ("assessed_on_before=2020-01-01", ["unknown"]),
    ],
)
def test_each_assessment_filter(api_client, answers, query, expected):
    query = query.format(
        korea=answers["korea"].pk, korea_recommendation=answers["korea"].recommendation_id
    )

    assert codes(api_client.get(f"/api/assessments/?{query}"), "implementation") == expected


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/documents/?body=NOPE", "body"),
        ("/api/documents/?kind=novel", "kind"),
        ("/api/bodies/?parent=NOPE", "parent"),
        ("/api/organizations/?country=XXX", "country"),
        ("/api/responses/?target=999999", "target"),
        ("/api/responses/?target=abc", "target"),
        ("/api/assessments/?state=XXX", "state"),
        ("/api/assessments/?assessed_on_after=someday", "assessed_on_after"),
    ],
)
def test_a_filter_value_that_names_nothing_is_a_400_on_every_resource(api_client, url, parameter):
    response = api_client.get(url)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
