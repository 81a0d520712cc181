"""The API's messages follow Accept-Language (docs/i18n.md); its codes never change.

The expected texts are the catalogues' own (locale/*/LC_MESSAGES/django.po), so a reworded
translation fails here as well as in the catalogue check.
"""

import pytest

from tests.factories import BodyFactory, TargetFactory, state

UNKNOWN_STATE = "/api/recommendations/?state=XXX"


def test_our_filter_error_in_english_without_the_header(api_client, db):
    response = api_client.get(UNKNOWN_STATE)

    assert response.status_code == 400
    assert response.json() == {"state": ["No state with the code XXX."]}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-Hans", "没有代码为 XXX 的国家。"),
        ("ko", "코드가 XXX인 국가가 없습니다."),
    ],
)
def test_our_filter_error_in_the_asked_language(api_client, db, language, expected):
    response = api_client.get(UNKNOWN_STATE, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    # The key is the parameter's name: a code, never translated.
    assert response.json() == {"state": [expected]}
    assert "No state with the code" not in response.content.decode()


def test_a_drf_field_error_in_english_without_the_header(editor_api):
    response = editor_api.post("/api/responses/", {"target": TargetFactory().pk}, format="json")

    assert response.status_code == 400
    assert response.json()["position"] == ["This field is required."]


def test_a_drf_field_error_in_chinese(editor_api):
    response = editor_api.post(
        "/api/responses/",
        {"target": TargetFactory().pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"position", "date"}
    assert response.json()["position"] == ["该字段是必填项。"]
    assert "This field is required." not in response.content.decode()


def test_a_drf_field_error_in_korean(editor_api):
    response = editor_api.post(
        "/api/responses/", {"target": TargetFactory().pk}, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"position", "date"}
    # DRF's catalogue is ko_KR; gettext finds it for "ko".
    assert response.json()["position"] == ["이 필드는 필수 항목입니다."]
    assert "This field is required." not in response.content.decode()


def test_our_field_error_in_chinese(editor_api):
    response = editor_api.post(
        "/api/responses/",
        {"target": "1", "position": "supported", "date": "2026-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )

    assert response.status_code == 400
    assert response.json()["target"] == ["应为整数 ID，收到的是 str。"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-Hans", "未找到。"), ("ko", "찾을 수 없습니다."), ("en", "Not found.")],
)
def test_an_unknown_api_path_in_the_asked_language(api_client, db, language, expected):
    response = api_client.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert response.json() == {"detail": expected}


def test_a_malformed_body_in_chinese(editor_api):
    response = editor_api.post(
        "/api/responses/",
        data="[" * 1000,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON 解析错误 - 嵌套超过 ")


def test_addressees_are_named_in_the_asked_language(api_client, db):
    china = TargetFactory(state=state("CHN"))
    unhcr = TargetFactory(
        state=None, body=BodyFactory(acronym="UNHCR", name="UNHCR", name_zh_hans="联合国难民署")
    )

    def names(language: str) -> dict[int, str]:
        rows = api_client.get("/api/targets/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        return {row["id"]: row["addressee_name"] for row in rows}

    assert names("en") == {china.pk: "China", unhcr.pk: "UNHCR"}
    assert names("zh-Hans") == {china.pk: "中国", unhcr.pk: "联合国难民署"}
    assert names("ko")[china.pk] == "중국"
