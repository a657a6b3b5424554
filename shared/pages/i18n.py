"""Languages of the pages: Vietnamese (the msgids themselves) and English (from a .po file).

Each service keeps its own catalogue under ``<locales>/<lang>/LC_MESSAGES/messages.po``; it is
compiled in memory when first used, so a service runs without a compile step. Texts from the
services' APIs arrive as "Vietnamese / English": ``pick`` shows one half.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANG_COOKIE = "lang"


def N_(message: str) -> str:  # the usual name of the marker
    """Marks a text for extraction; it is translated where it is shown."""
    return message


def pick(message: str, lang: str) -> str:
    """The half of a "Vietnamese / English" message that matches ``lang``."""
    vi, separator, en = message.partition(" / ")
    if not separator:
        return message
    return en.strip() if lang == "en" else vi.strip()


def choose_language(cookie: str | None, account_language: str | None) -> str:
    """The cookie decides; without one, the signed-in person's language; else Vietnamese."""
    if cookie in LANGUAGES:
        return cookie
    if account_language in LANGUAGES:
        return account_language
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    lang: str
    _catalogue: gettext.NullTranslations = field(repr=False)

    def gettext(self, message: str, /, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self._catalogue.ngettext(singular, plural, n) % {"num": n, **values}

    def pick(self, message: str) -> str:
        return pick(message, self.lang)


@dataclass(frozen=True)
class Catalogues:
    """The compiled catalogues of one service, each compiled once, on first use."""

    locales_dir: Path
    _compiled: dict[str, gettext.NullTranslations] = field(
        default_factory=dict, repr=False, compare=False
    )

    def translator(self, lang: str) -> Translator:
        """A translator for ``lang``; an unknown language gets the default one."""
        lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        if lang not in self._compiled:
            self._compiled[lang] = self._compile(lang)
        return Translator(lang, self._compiled[lang])

    def _compile(self, lang: str) -> gettext.NullTranslations:
        if lang == DEFAULT_LANGUAGE:
            return gettext.NullTranslations()  # the msgids are the Vietnamese texts
        with (self.locales_dir / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        return Translations(fp=compiled)
