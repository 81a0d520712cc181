"""The admin in Korean and in Chinese, by the user's preference, in a real headless Chromium:
no English message of ours is left on the index or on a recommendation's page."""

import re
from datetime import date

import polib
import pytest

from recommendations.choices import BodyKind
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    EditorFactory,
    RecommendationFactory,
    ReminderPreferenceFactory,
    TargetFactory,
    state,
)
from tracker import catalogues

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"
TEXT = (
    "Respect the principle of non-refoulement and, accordingly, abstain from forcibly "
    "repatriating any persons to the DPRK."
)
TITLE = "Report of the detailed findings of the commission of inquiry on human rights in the DPRK"


@pytest.fixture
def recommendation(db):
    coi = BodyFactory(
        acronym="COI-DPRK",
        name="Commission of Inquiry on Human Rights in the DPRK",
        name_ko="유엔 북한인권조사위원회",
        name_zh_hans="朝鲜民主主义人民共和国人权状况调查委员会",
        kind=BodyKind.INQUIRY,
    )
    document = DocumentFactory(symbol="A/HRC/25/CRP.1", title=TITLE, body=coi)
    recommendation = RecommendationFactory(
        text=TEXT, document=document, paragraph="1221 (a)", issued_on=date(2014, 2, 7)
    )
    TargetFactory(recommendation=recommendation, state=state("CHN"), response_due=date(2014, 6, 1))
    return recommendation


def data_shown(recommendation) -> list[str]:
    """What the pages show of the records themselves: quoted, never translated."""
    document = recommendation.document
    return [TEXT, TITLE, document.symbol, document.body.name, str(recommendation)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def rendered(page, live_server, recommendation, screenshot, name: str) -> dict[str, str]:
    """The index and the recommendation's change page as read: the visible text, the title
    and the options of each select, with the records' own words taken out. Each page is
    saved as a screenshot first."""
    pages = {}
    for label, path in [
        ("index", "/admin/"),
        ("recommendation", f"/admin/recommendations/recommendation/{recommendation.pk}/change/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        screenshot(f"{name}-{label}")
        # The switcher names each language in itself ("English", "한국어", "简体中文"), so
        # that anybody finds theirs: not a message to translate.
        page.eval_on_selector_all(".language-switcher", "nodes => nodes.forEach(n => n.remove())")
        options = page.eval_on_selector_all("option", "nodes => nodes.map(n => n.textContent)")
        text = "\n".join([page.title(), page.inner_text("body"), *options])
        for words in data_shown(recommendation):
            text = text.replace(words, " ")
        pages[label] = text
    return pages


def our_messages() -> list[str]:
    """Every English message of our catalogue (both forms of a plural), but those that read
    the same in Korean ("API"): shown as they are, they are not left untranslated."""
    po = polib.pofile(str(catalogues.catalogue_path("ko")))
    messages = set()
    for entry in po:
        if entry.msgstr == entry.msgid:
            continue
        messages.add(entry.msgid)
        if entry.msgid_plural:
            messages.add(entry.msgid_plural)
    return sorted(messages)


def pattern(message: str) -> re.Pattern:
    """`message` as a page shows it: placeholders filled, the first letter maybe capitalised
    (the admin capitalises field names), not part of a longer word."""
    first, rest = message[0], message[1:]
    parts = re.split(r"%(?:\(\w+\))?[sdr]", rest)
    body = ".+?".join(re.escape(part) for part in parts)
    head = (
        f"[{re.escape(first.lower())}{re.escape(first.upper())}]"
        if first.isalpha()
        else re.escape(first)
    )
    return re.compile(rf"(?<![A-Za-z]){head}{body}(?![A-Za-z])")


def found(messages: list[str], text: str) -> set[str]:
    return {message for message in messages if pattern(message).search(text)}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ko", ["유엔 권고 이행 추적", "권고 대상", "답변 대기", "본문", "단락"]),
        ("zh-hans", ["联合国建议追踪系统", "建议对象", "等待答复", "案文", "段落"]),
    ],
)
def test_the_admin_reads_in_the_users_language_with_no_english_message_of_ours_left(
    live_server, page, screenshot, recommendation, language, words
):
    english_editor = EditorFactory(username="editor-en")
    ReminderPreferenceFactory(user=english_editor, language="en")
    editor = EditorFactory(username=f"editor-{language}")
    ReminderPreferenceFactory(user=editor, language=language)
    messages = our_messages()

    sign_in(page, live_server, "editor-en")
    english = rendered(page, live_server, recommendation, screenshot, "en")
    page.click("#logout-form button")
    sign_in(page, live_server, f"editor-{language}")
    translated = rendered(page, live_server, recommendation, screenshot, language)

    assert page.get_attribute("html", "lang") == language
    for name in ("index", "recommendation"):
        shown_in_english = found(messages, english[name])
        # The pages do show our messages: the comparison is not vacuous.
        assert len(shown_in_english) > (10 if name == "index" else 25), name
        assert found(sorted(shown_in_english), translated[name]) == set(), name
    for word in words:
        assert word in translated["recommendation"] or word in translated["index"], word
