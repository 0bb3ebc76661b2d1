"""Making the catalogs with Babel: extract the messages, merge them into each .po, compile the .mo, check them.

    python -m autograd.locale update   # after changing messages: new ones appear untranslated in the .po
    python -m autograd.locale check    # exit 1 listing messages without German and stale .mo files

The same by hand with pybabel, for one package (demos here):

    pybabel extract -F autograd/locale/babel.cfg --no-default-keywords -k _ -k N_ -k ngettext:1,2 \\
        -o /tmp/demos.pot demos
    pybabel update -N -i /tmp/demos.pot -d demos/locale -D demos -l de
    pybabel compile -d demos/locale -D demos -l de

Babel is needed only here (the `check` extra), never to read a catalog.
"""

from __future__ import annotations

import argparse
import io
import sys
from importlib import resources
from pathlib import Path

from autograd.language import DOMAINS, LANGUAGES

__all__ = ["KEYWORDS", "extract", "po_path", "read_catalog", "compiled", "untranslated", "update", "check", "main"]

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # autograd.language's lookups, nothing else
TRANSLATED = tuple(language for language in LANGUAGES if language != "en")  # English is the msgid itself
CONFIG = Path(__file__).with_name("babel.cfg")


def _babel():
    try:
        from babel.messages import catalog, extract, frontend, mofile, pofile
    except ImportError:
        raise ImportError('making catalogs needs Babel: pip install -e ".[check]"') from None
    return catalog, extract, frontend, mofile, pofile


def package_dir(domain: str) -> Path:
    """The folder of package `domain` (a catalog is made from the source, so it must be a folder)."""
    return Path(str(resources.files(domain)))


def po_path(domain: str, language: str = "de") -> Path:
    return package_dir(domain) / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str):
    """Every message of package `domain`'s code, extracted by Babel as babel.cfg says: a Babel Catalog."""
    catalog, extract_, frontend, _, _ = _babel()
    with open(CONFIG, encoding="utf-8") as file:
        method_map, options_map = frontend.parse_mapping_cfg(file, str(CONFIG))
    template = catalog.Catalog(domain=domain, project="backprop-lab", charset="utf-8")
    root = package_dir(domain)
    for filename, lineno, message, comments, context in extract_.extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(f"{domain}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(domain: str, language: str = "de"):
    _, _, _, _, pofile = _babel()
    with open(po_path(domain, language), "rb") as file:
        return pofile.read_po(file, locale=language, domain=domain)


def compiled(po) -> bytes:
    """The .mo that compiling the catalog `po` gives (fuzzy entries left out, as pybabel compile does)."""
    _, _, _, mofile, _ = _babel()
    buffer = io.BytesIO()
    mofile.write_mo(buffer, po, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(template, po) -> list[str]:
    """The msgids of `template` that `po` does not translate (absent, empty or fuzzy)."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = po.get(message.id, message.context)
        strings = found.string if found is not None else None
        texts = strings if isinstance(strings, tuple | list) else (strings,)
        if found is None or found.fuzzy or not all(texts):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update(domains=DOMAINS) -> None:
    """Merge the extracted messages into each .po (new ones untranslated, gone ones dropped); compile each .mo."""
    catalog, _, _, _, pofile = _babel()
    for domain in domains:
        template = extract(domain)
        for language in TRANSLATED:
            path = po_path(domain, language)
            if path.exists():
                po = read_catalog(domain, language)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                po = catalog.Catalog(locale=language, domain=domain, project="backprop-lab", charset="utf-8")
            po.update(template, no_fuzzy_matching=True, update_creation_date=False)
            buffer = io.BytesIO()
            pofile.write_po(buffer, po, width=100, ignore_obsolete=True, include_lineno=False, sort_output=True)
            path.write_bytes(buffer.getvalue())
            path.with_suffix(".mo").write_bytes(compiled(read_catalog(domain, language)))
            missing = untranslated(template, po)
            print(f"{path}: {len(template)} messages, {len(missing)} without a translation")


def check(domains=DOMAINS) -> list[str]:
    """What is wrong with the catalogs: messages without a translation, .mo files that are not the .po compiled."""
    problems = []
    for domain in domains:
        template = extract(domain)
        for language in TRANSLATED:
            path = po_path(domain, language)
            if not path.exists():
                problems.append(f"{path} is missing ({len(template)} messages)")
                continue
            po = read_catalog(domain, language)
            problems += [f"{path}: no translation of {message!r}" for message in untranslated(template, po)]
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled(po):
                problems.append(f"{mo} is not {path.name} compiled: run python -m autograd.locale update")
    return problems


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograd.locale", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "check"))
    parser.add_argument("--domain", action="append", choices=DOMAINS, help="only this package (repeatable)")
    args = parser.parse_args(argv)
    domains = tuple(args.domain or DOMAINS)
    if args.command == "update":
        update(domains)
        return
    problems = check(domains)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"catalogs of {', '.join(domains)}: every message translated, every .mo up to date")
