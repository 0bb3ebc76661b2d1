"""nn's public names: each module's __all__ is exported by the package once, and the README describes each."""

import importlib
import pkgutil
import re
from pathlib import Path

import nn

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def module_exports() -> dict[str, list[str]]:
    """name -> the nn modules whose __all__ lists it (a subpackage such as nn.playground keeps its own names)."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(nn.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"nn.{info.name}")
        for name in module.__all__:
            found.setdefault(name, []).append(info.name)
            assert getattr(module, name) is getattr(nn, name), f"nn.{info.name}.{name}"
    return found


def test_every_module_export_is_a_package_export_once():
    found = module_exports()
    assert len(nn.__all__) == len(set(nn.__all__))
    assert set(found) == set(nn.__all__)
    assert {name: where for name, where in found.items() if len(where) > 1} == {}


def test_the_readme_describes_every_export():
    undocumented = [name for name in nn.__all__ if not re.search(rf"`{re.escape(name)}\b", README)]
    assert undocumented == []
