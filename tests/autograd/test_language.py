"""German or English: how the language is chosen, and that the catalogs are complete and compiled.

The catalogs are checked against an extraction made here with Babel's Python API
(not the project's tool): every message in the code has a German translation
with the same {fields}, and each committed .mo is exactly its .po compiled.
"""

import io
import re
import string
from pathlib import Path

import pytest

import autograd
import demos
import nn
from autograd import language
from autograd.language import Domain, get_language, language_from_locale, set_language, using_language

babel = pytest.importorskip("babel", reason="Babel (the `check` extra) extracts and compiles the catalogs")
from babel.messages import extract, mofile, pofile  # noqa: E402

PACKAGES = {
    "autograd": Path(autograd.__file__).parent,
    "demos": Path(demos.__file__).parent,
    "nn": Path(nn.__file__).parent,  # the playground's catalog
}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# files whose texts are converted: each must hold messages (an extraction that finds nothing would pass vacuously)
CONVERTED = {
    "autograd": [
        "widgets/exercise.py",
        "widgets/stepper.py",
        "widgets/serve.py",
        "pictures/steps.py",
        "pictures/graphs.py",
        "pictures/explain.py",
        "pictures/network.py",
    ],
    "demos": ["misconceptions.py", "chain_rule.py", "expression.py", "sheets/__init__.py"],
    "nn": ["playground/widget.py", "playground/scenario.py", "playground/session.py"],
}


@pytest.fixture(autouse=True)
def no_setting():
    """Each test starts without a process-wide setting and leaves the locale re-read (after monkeypatch's undo)."""
    before = set_language(None)
    yield
    set_language(None)
    set_language(before)


def extracted(package: str) -> dict[str, list]:
    """{msgid (or (singular, plural)): [files]} of the package's code, by Babel's extract_from_dir."""
    found: dict = {}
    for filename, _lineno, message, _comments, _context in extract.extract_from_dir(
        PACKAGES[package], [("**.py", "python")], keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(filename)
    return found


def catalog(package: str):
    path = PACKAGES[package] / "locale" / "de" / "LC_MESSAGES" / f"{package}.po"
    with open(path, "rb") as file:
        return pofile.read_po(file, locale="de", domain=package)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ----------------------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_message_in_the_code_has_a_german_translation_with_the_same_fields(package):
    messages = extracted(package)
    files = {name for names in messages.values() for name in names}
    for converted in CONVERTED[package]:
        assert converted in files, f"no message found in {package}/{converted}"
    po = catalog(package)
    missing, mismatched = [], []
    for message in messages:
        key = message if isinstance(message, str) else message[0]
        entry = po.get(key)
        if entry is None or entry.fuzzy:
            missing.append(message)
            continue
        sources = [message] if isinstance(message, str) else list(message)
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if not all(translations):
            missing.append(message)
        elif any(fields(t) != fields(sources[0]) | fields(sources[-1]) for t in translations):
            mismatched.append((message, translations))
    assert missing == [], f"{len(missing)} messages of {package} without German: {missing[:5]}"
    assert mismatched == [], f"translations whose {{fields}} differ from the message's: {mismatched[:3]}"


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_the_committed_mo_is_the_po_compiled(package):
    po = catalog(package)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, po, use_fuzzy=False)
    mo = PACKAGES[package] / "locale" / "de" / "LC_MESSAGES" / f"{package}.mo"
    assert mo.read_bytes() == buffer.getvalue(), "run: python -m autograd.locale update"


def test_the_project_tool_agrees_with_this_check():
    from autograd.locale import catalogs

    assert catalogs.check() == []


# ----------------------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "de_AT.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
        ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),  # LC_ALL wins over LANG, as in gettext
        ({"LC_MESSAGES": "de_CH", "LANG": "en_GB"}, "de"),
        ({"LANGUAGE": "fr:de:en", "LANG": "en_US.UTF-8"}, "de"),  # the first known language of the list
        ({"LANGUAGE": "fr", "LANG": "de_DE.UTF-8"}, "de"),  # nothing known in LANGUAGE: the locale decides
        ({"LANGUAGE": "", "LANG": "de_DE@euro"}, "de"),
    ],
)
def test_the_locale_as_gettext_reads_it(environ, expected):
    assert language_from_locale(environ) == expected


def test_explicit_then_process_wide_then_locale_then_english(monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    _ = Domain("demos").gettext
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language(None)  # the locale is read again
    assert get_language() == "en" and _("Given: {values}.") == "Given: {values}."
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert get_language() == "en"  # read once per process, as gettext programs do
    set_language(None)
    assert get_language() == "de" and _("Given: {values}.") == "Gegeben: {values}."
    assert _("Given: {values}.", "en") == "Given: {values}."  # the argument first
    with using_language("en") as chosen:
        assert chosen == "en" and _("Given: {values}.") == "Given: {values}."
        assert _("Given: {values}.", "de") == "Gegeben: {values}."
    assert get_language() == "de"  # the block's setting is undone
    assert set_language("en") is None and set_language(None) == "en"


def test_plurals_follow_the_catalog():
    ngettext = Domain("demos").ngettext
    one = "{extra} is given a value but not used in {text} (its names: {names})"
    many = "{extra} are given a value but not used in {text} (its names: {names})"
    assert ngettext(one, many, 1, "en") == one and ngettext(one, many, 2, "en") == many
    assert ngettext(one, many, 1, "de").startswith("{extra} hat ") and ngettext(one, many, 3, "de").startswith(
        "{extra} haben "
    )


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match=r"set_language: language must be one of 'en', 'de', not 'fr'"):
        set_language("fr")
    with pytest.raises(ValueError, match=r"language must be one of 'en', 'de', not 'english'"):
        Domain("demos").gettext("Given: {values}.", "english")


def test_a_message_without_translation_stays_english():
    assert Domain("demos").gettext("not a message of the code", "de") == "not a message of the code"


def test_a_missing_catalog_warns_and_reads_english(monkeypatch):
    monkeypatch.setattr(language, "_catalogs", {})
    with pytest.warns(RuntimeWarning, match="no de catalog for autograd.transforms"):
        assert Domain("autograd.transforms").gettext("text", "de") == "text"


def test_the_catalog_is_read_once():
    Domain("demos").gettext("Given: {values}.", "de")
    first = language._catalogs[("demos", "de")]
    Domain("demos").gettext("Variant {seed}", "de")
    assert language._catalogs[("demos", "de")] is first


def test_every_package_with_messages_is_a_domain():
    assert set(language.DOMAINS) == set(PACKAGES)
    for package in PACKAGES:
        assert re.fullmatch(r"\w+", package)
