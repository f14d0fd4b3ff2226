"""Django's default messages in the portal's words (locale/zh_Hans): Chinese punctuation, no English full stop
after Chinese text. The formset limits said in rows: tests/applications/test_application_pages.py."""

import gettext
import re
from pathlib import Path

import django
from django.conf import settings
from django.utils import translation

# A full stop typed in English right after Chinese text (or a closing bracket of it): 「请修正重复的数据.」
ENGLISH_STOP_AFTER_CHINESE = re.compile(r"[\u3400-\u9fff\uff01-\uff5e。」』）]\.")
PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalogue(mo: Path) -> dict:
    """{msgid: msgstr} of a compiled catalogue (plural forms keyed (msgid, n))."""
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def texts(entries: dict) -> list[str]:
    return [text for key, text in entries.items() if key]  # "" is the header


def test_the_portals_catalogue_has_no_english_full_stop_after_chinese():
    compiled = catalogue(PO.with_suffix(".mo"))
    wrong = [text for text in texts(compiled) if ENGLISH_STOP_AFTER_CHINESE.search(text)]
    assert wrong == []
    # the .mo is compiled from the .po as it stands: every one-line msgstr of the .po is served
    written = re.findall(r'^msgstr(?:\[0\])? "(.+)"$', PO.read_text(encoding="utf-8"), flags=re.M)
    assert written and set(written) <= set(texts(compiled))


def test_every_django_message_with_an_english_full_stop_is_reworded():
    django_zh = catalogue(Path(django.__file__).parent / "conf" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo")
    leaking = [key for key, text in django_zh.items() if key and ENGLISH_STOP_AFTER_CHINESE.search(text)]
    assert leaking  # Django's own wording still has them: the portal's catalogue must cover each
    with translation.override("zh-hans"):
        for key in leaking:
            shown = translation.ngettext(key[0], key[0], 1) if isinstance(key, tuple) else translation.gettext(key)
            assert not ENGLISH_STOP_AFTER_CHINESE.search(shown), (key, shown)

