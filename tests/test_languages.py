"""Which language a page is in: the user's preference, then the switcher's cookie, then the
browser's Accept-Language; states' and bodies' names in it; dates in its format."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation

from recommendations.choices import BodyKind
from recommendations.models import ReminderPreference
from tests.factories import BodyFactory, EditorFactory, ReminderPreferenceFactory, state

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
LOGIN = "/admin/login/"


def signed_in(client, *, language: str = ""):
    editor = EditorFactory(username="editor")
    if language:
        ReminderPreferenceFactory(user=editor, language=language)
    client.force_login(editor)
    return editor


def test_the_users_preference_wins_over_the_cookie_and_accept_language(client):
    signed_in(client, language="ko")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="en")

    assert page["Content-Language"] == "ko"
    assert '<html lang="ko"' in page.content.decode()
    assert "유엔 권고 이행 추적" in page.content.decode()


def test_without_a_preference_the_switchers_cookie_wins_over_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="ko")

    assert page["Content-Language"] == "zh-hans"
    assert "联合国建议追踪系统" in page.content.decode()


def test_without_preference_or_cookie_accept_language_decides(client):
    signed_in(client)

    page = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")

    assert page["Content-Language"] == "ko"


def test_english_when_nothing_says_otherwise(client):
    page = client.get(LOGIN)

    assert page["Content-Language"] == "en"
    assert "UN recommendations tracker" in page.content.decode()


def test_the_switcher_sets_the_cookie_and_keeps_a_staff_members_choice(client):
    editor = signed_in(client, language="ko")

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/admin/"}, follow=True
    )

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert ReminderPreference.objects.get(user=editor).language == "zh-hans"
    assert response.redirect_chain == [("/admin/", 302)]
    assert response["Content-Language"] == "zh-hans"


def test_the_switcher_is_in_the_admins_header_and_on_the_login_page(client):
    login_page = client.get(LOGIN).content.decode()
    signed_in(client)
    admin_page = client.get(ADMIN).content.decode()

    for page in (login_page, admin_page):
        assert f'action="{reverse("set_language")}"' in page
        assert '<option value="ko" lang="ko"' in page
        assert "한국어" in page and "简体中文" in page


def test_a_staff_member_sets_their_language_in_their_preferences(client):
    editor = signed_in(client)

    response = client.post(
        reverse("admin:recommendations_reminderpreference_add"),
        {"language": "ko", "reminders_enabled": "on", "digest": "daily"},
    )

    assert response.status_code == 302
    assert ReminderPreference.objects.get(user=editor).language == "ko"
    assert client.get(ADMIN)["Content-Language"] == "ko"


def test_the_preference_is_read_at_sign_in_not_on_every_page(client):
    signed_in(client, language="ko")

    with CaptureQueriesContext(connection) as captured:
        page = client.get(ADMIN)

    assert page["Content-Language"] == "ko"
    # (The index asks whether the user may add a preference: that query reads no language.)
    assert not [query for query in captured if '"language"' in query["sql"]]


@pytest.mark.parametrize(
    ("language", "china", "dprk"),
    [
        ("en", "China", "Democratic People's Republic of Korea"),
        ("ko", "중국", "조선민주주의인민공화국"),
        ("zh-hans", "中国", "朝鲜民主主义人民共和国"),
    ],
)
def test_states_are_named_by_pycountrys_translations(language, china, dprk):
    with translation.override(language):
        assert state("CHN").localized_name() == china
        assert state("PRK").localized_name() == dprk


def test_a_body_is_named_in_the_language_or_else_in_english():
    cat = BodyFactory(
        acronym="CAT",
        name="Committee against Torture",
        name_ko="고문방지위원회",
        name_zh_hans="禁止酷刑委员会",
        kind=BodyKind.TREATY_BODY,
    )
    seoul = BodyFactory(acronym="OHCHR-Seoul", name="OHCHR Seoul", name_zh_hans="")

    assert cat.localized_name("ko") == "고문방지위원회"
    assert cat.localized_name("zh-hans") == "禁止酷刑委员会"
    assert cat.localized_name("en") == "Committee against Torture"
    assert seoul.localized_name("zh-hans") == "OHCHR Seoul"


def test_the_admin_lists_states_and_bodies_in_the_users_language(client):
    signed_in(client, language="zh-hans")
    BodyFactory(
        acronym="CRC", name="Committee on the Rights of the Child", name_zh_hans="儿童权利委员会"
    )

    states = client.get(reverse("admin:recommendations_state_changelist"), {"q": "CHN"})
    bodies = client.get(reverse("admin:recommendations_body_changelist"))

    assert "中国" in states.content.decode()
    assert "儿童权利委员会" in bodies.content.decode()


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "7 December 2026"), ("ko", "2026년 12월 7일"), ("zh-hans", "2026年12月7日")],
)
def test_dates_are_written_in_the_languages_format(language, written):
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 7)) == written
