"""The catalogues: complete in Korean and Chinese, and the domain's words rendered right."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

from recommendations.choices import BodyKind, DocumentKind, Implementation, Position
from tracker import catalogues


@pytest.mark.parametrize("language", catalogues.REQUIRED)
def test_every_message_is_translated_none_fuzzy_none_with_a_lost_placeholder(language):
    report = catalogues.catalogue_report(language)

    assert report.total > 250
    assert (report.untranslated, report.fuzzy, report.bad_placeholders) == ([], [], [])
    assert report.translated == report.total


def test_the_check_passes_and_the_catalogues_hold_the_same_messages(capsys):
    assert catalogues.check() == []
    printed = capsys.readouterr().out
    assert "ko: " in printed and "zh_Hans: " in printed
    assert "0 untranslated, 0 fuzzy" in printed


def test_the_check_names_untranslated_fuzzy_and_broken_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Response due on %(day)s"\nmsgstr "답변 기한: %(date)s"\n\n'
        'msgid "Noted"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Supported"\nmsgstr "지지"\n\n'
        'msgid "Rejected"\nmsgstr "거부"\n',
        encoding="utf-8",
    )

    report = catalogues.catalogue_report("ko", po)

    assert report.bad_placeholders == ["Response due on %(day)s"]
    assert report.untranslated == ["Noted"]
    assert report.fuzzy == ["Supported"]
    assert (report.total, report.translated, report.ok) == (4, 1, False)


def test_every_language_but_english_has_a_required_catalogue():
    others = {to_locale(code) for code, _ in settings.LANGUAGES if code != "en"}
    assert others == set(catalogues.REQUIRED)


# The glossary (docs/glossary.md), as the choices say it.
@pytest.mark.parametrize(
    ("label", "korean", "chinese"),
    [
        (Position.SUPPORTED.label, "수용", "支持"),
        (Position.NOTED.label, "유의", "注意到"),
        (Position.REJECTED.label, "거부", "拒绝"),
        (BodyKind.TREATY_BODY.label, "조약기구", "条约机构"),
        (BodyKind.SPECIAL_PROCEDURE.label, "특별절차", "特别程序"),
        (BodyKind.UPR.label, "국가별 정례인권검토", "普遍定期审议"),
        (BodyKind.INQUIRY.label, "조사위원회", "调查委员会"),
        (DocumentKind.CONCLUDING_OBSERVATIONS.label, "최종견해", "结论性意见"),
        (Implementation.PARTIALLY_IMPLEMENTED.label, "부분 이행", "部分落实"),
    ],
)
def test_the_domains_words_are_rendered_as_the_glossary_says(label, korean, chinese):
    with translation.override("ko"):
        assert str(label) == korean
    with translation.override("zh-hans"):
        assert str(label) == chinese
    with translation.override("en"):
        assert str(label) not in (korean, chinese)
