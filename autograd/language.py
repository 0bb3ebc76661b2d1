"""German or English: the language of every text a user reads, looked up in gettext catalogs.

The course is German, the code and its first readers English. Each package
(`autograd`, `demos`, later `nn`) keeps its messages in a gettext catalog of
its own, shipped as package data: `<package>/locale/de/LC_MESSAGES/<package>.po`
(the translations, edited by people) and `.mo` (compiled from it, read here).
In the code a message is written in English and wrapped:

    from autograd.language import Domain
    _ = Domain("demos").gettext          # _(message, language=None)
    ngettext = Domain("demos").ngettext  # ngettext(singular, plural, n, language=None)
    N_ = Domain.mark                     # marks a constant for extraction, translated where it is shown

    print(_("Forward pass, one operation per line:"))
    print(_("{count} paths lead from {name} to {root}").format(count=3, name="a", root="f"))

The language is, first found: the `language=` argument of a call; the
process-wide setting (`set_language("de")`, or `using_language("de")` for a
block: the demos' `--lang de`); the locale (the environment variables
LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them); else English.
English is the msgid itself, so English output never depends on a catalog.

Catalogs are made with Babel (the `check` extra); the extraction's settings
are in autograd/locale/babel.cfg:

    python -m autograd.locale update   # extract every package's messages, merge them into its .po, compile .mo
    python -m autograd.locale check    # exit 1 if a message has no German translation or a .mo is stale

Lookups are cheap (pictures are drawn in loops): the locale is read once,
each catalog loaded once, a German message costs two dictionary lookups and
English returns the message unchanged.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
import warnings
from collections.abc import Iterator
from importlib import resources

__all__ = [
    "LANGUAGES",
    "DOMAINS",
    "Domain",
    "set_language",
    "get_language",
    "using_language",
    "resolve",
    "language_from_locale",
]

LANGUAGES = ("en", "de")  # English first: the messages' own language, the fallback
DOMAINS = ("autograd", "demos", "nn")  # packages with a catalog; each package is its own gettext domain
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order

_chosen: str | None = None  # set_language's setting; None: the locale decides
_from_locale: str | None = None  # the locale's language, read once (again after set_language(None))
_catalogs: dict[tuple[str, str], _gettext.NullTranslations] = {}


def _check(language, who: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"{who}: language must be one of {', '.join(map(repr, LANGUAGES))}, not {language!r}")
    return language


def set_language(language: str | None) -> str | None:
    """Make `language` ("de" or "en") the process-wide language; None gives the choice back to the locale.

    Returns the setting before, so that a caller can restore it. The locale
    is read once per process, as gettext programs do at start-up; None reads
    it again (after the environment changed).
    """
    global _chosen, _from_locale
    before = _chosen
    _chosen = None if language is None else _check(language, "set_language")
    if language is None:
        _from_locale = None
    return before


def _locale_language() -> str:
    global _from_locale
    if _from_locale is None:
        _from_locale = language_from_locale()
    return _from_locale


def get_language() -> str:
    """The language used where no `language=` is given: the process-wide setting, else the locale's, else English."""
    return _chosen or _locale_language()


@contextlib.contextmanager
def using_language(language: str | None) -> Iterator[str]:
    """For the `with` block, `language` is the process-wide language (None: leave the setting as it is)."""
    before = set_language(language) if language is not None else _chosen
    try:
        yield get_language()
    finally:
        set_language(before)


def language_from_locale(environ=None) -> str:
    """The language the locale asks for, as gettext reads it: "de" for LANG=de_DE.UTF-8; else "en".

    The first of LANGUAGE (a list such as "fr:de"), LC_ALL, LC_MESSAGES, LANG
    that is set decides; in a LANGUAGE list the first language known here wins.
    """
    environ = os.environ if environ is None else environ
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable)
        if not value:
            continue
        for entry in value.split(":") if variable == "LANGUAGE" else (value,):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
        if variable != "LANGUAGE":
            return "en"  # "C", "POSIX", "fr_FR": a locale without a catalog here reads English
    return "en"


def resolve(language: str | None, who: str = "language") -> str:
    """`language` checked, or the language in force when it is None."""
    return get_language() if language is None else _check(language, who)


def catalog(domain: str, language: str) -> _gettext.NullTranslations:
    """The compiled catalog of package `domain` for `language`, loaded once per process."""
    key = (domain, language)
    found = _catalogs.get(key)
    if found is None:
        found = _gettext.NullTranslations()
        if language != "en":
            path = resources.files(domain).joinpath("locale", language, "LC_MESSAGES", f"{domain}.mo")
            try:
                with path.open("rb") as file:
                    found = _gettext.GNUTranslations(file)
            except FileNotFoundError:
                warnings.warn(
                    f"no {language} catalog for {domain} ({domain}/locale/{language}/LC_MESSAGES/{domain}.mo "
                    "is missing from this install): its texts are shown in English",
                    RuntimeWarning,
                    stacklevel=3,
                )
        _catalogs[key] = found
    return found


class Domain:
    """The lookups of one package's catalog: `gettext(message, language=None)` and `ngettext(...)`."""

    __slots__ = ("name", "_lookups")

    def __init__(self, name: str) -> None:
        self.name = name
        self._lookups: dict[str, _gettext.NullTranslations] = {}  # checked languages: their catalogs

    def _catalog(self, language: str) -> _gettext.NullTranslations:
        found = self._lookups[language] = catalog(self.name, _check(language, "language"))
        return found

    def gettext(self, message: str, language: str | None = None) -> str:
        """`message` in `language` (None: the language in force); English is `message` itself."""
        language = language or _chosen or _from_locale or _locale_language()
        if language == "en":
            return message
        return (self._lookups.get(language) or self._catalog(language)).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, language: str | None = None) -> str:
        """`singular` or `plural`, as `n` and the language's plural rule choose, in `language`."""
        language = language or _chosen or _from_locale or _locale_language()
        if language == "en":
            return singular if n == 1 else plural
        return (self._lookups.get(language) or self._catalog(language)).ngettext(singular, plural, n)

    @staticmethod
    def mark(message: str) -> str:
        """`message` unchanged: marks a constant for extraction, translated later where it is shown."""
        return message
