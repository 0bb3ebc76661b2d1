"""A scalar reverse-mode automatic-differentiation engine for teaching.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
>>> f = a * b + a
>>> f.backward()
>>> a.grad, b.grad
(4.0, 2.0)
"""

__version__ = "0.1.0"  # the project's version: pyproject.toml reads it from here

from autograd import compiler, core, pictures, transforms  # noqa: E402
from autograd.compiler import *  # noqa: E402, F403 (each subpackage's __all__ is the list of its public names)
from autograd.core import *  # noqa: E402, F403
from autograd.pictures import *  # noqa: E402, F403 (graphviz: imported when drawing, not here)
from autograd.transforms import *  # noqa: E402, F403

__all__ = [*core.__all__, *transforms.__all__, *compiler.__all__, *pictures.__all__]

# `autograd.value` and the other module names from before the subpackages (deprecated, still working):
from autograd.old_names import __getattr__  # noqa: E402, F401


def install_command(*extras: str) -> str:
    """The pip command that adds the project's optional `extras` (e.g. "demos") to this installation.

    Run from a source checkout (installed editable or not installed at all), it
    is `pip install -e ".[demos]"` (the checkout's path instead of "." when
    elsewhere); installed from a wheel or sdist, `pip install "backprop-lab[demos]"`,
    which keeps the installed project and adds what the extra brings.
    """
    from pathlib import Path

    wanted = ",".join(extras)
    root = Path(__file__).resolve().parent.parent
    try:
        checkout = 'name = "backprop-lab"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        checkout = False
    if not checkout:
        return f'pip install "backprop-lab[{wanted}]"'
    where = "." if Path.cwd().resolve() == root else str(root)
    return f'pip install -e "{where}[{wanted}]"'


class MixedInstallWarning(UserWarning):
    """Another installed distribution's files share a folder with this project's packages."""


def _check_installed_alone() -> None:
    """Warn when pip has put another distribution's files into the folders of `autograd`, `nn` or `demos`.

    Other projects use these names too (HIPS autograd, a dependency of PennyLane,
    among others); pip then overwrites one project's files with the other's
    without a word. Cheap enough to run at every import: one folder listing and
    this project's installed-files record (RECORD); the other projects' records
    are read only when a stranger's file is found. A source checkout or an
    editable install has no RECORD beside the packages: nothing to compare.
    """
    import os

    site = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        ours = [e.path for e in os.scandir(site) if e.name.startswith("backprop_lab-") and e.name.endswith("dist-info")]
        if len(ours) != 1:
            return
        expected: dict[str, set[str]] = {}
        with open(os.path.join(ours[0], "RECORD"), encoding="utf-8") as record:
            for line in record:
                parts = line.split(",", 1)[0].split("/")
                if len(parts) > 1:
                    expected.setdefault(parts[0], set()).add(parts[1])
        strangers = {}
        for package in ("autograd", "nn", "demos"):
            if package in expected and os.path.isdir(os.path.join(site, package)):
                extra = set(os.listdir(os.path.join(site, package))) - expected[package] - {"__pycache__"}
                if extra:
                    strangers[package] = sorted(extra)
    except (OSError, UnicodeDecodeError):
        return
    if strangers:
        import warnings

        warnings.warn(_mixed_message(site, ours[0], strangers), MixedInstallWarning, stacklevel=3)


def _mixed_message(site: str, ours: str, strangers: dict) -> str:
    """Which packages hold whose files, and what to do."""
    import os

    owners: dict[str, list[str]] = {package: [] for package in strangers}
    for entry in os.scandir(site):
        if entry.name.endswith(".dist-info") and entry.path != ours:
            try:
                with open(os.path.join(entry.path, "RECORD"), encoding="utf-8") as record:
                    listed = {line.split("/", 1)[0] for line in record if "/" in line.split(",", 1)[0]}
            except (OSError, UnicodeDecodeError):
                continue
            for package in strangers:
                if package in listed:
                    owners[package].append(entry.name[: -len(".dist-info")])  # name-version
    lines = []
    for package, files in strangers.items():
        who = ", ".join(o.replace("-", " ", 1) for o in owners[package]) or "a project that is gone (files left behind)"
        shown = ", ".join(files[:5]) + (", ..." if len(files) > 5 else "")
        lines.append(f"  {package}: also holds files of {who} ({shown})")
    repair = " ".join(o.replace("-", "==", 1) for package in strangers for o in owners[package])
    repair = f", then pip install --force-reinstall --no-deps {repair}" if repair else ""
    return (
        f"backprop-lab shares its package folders in {site} with another project:\n"
        + "\n".join(lines)
        + "\nBoth install packages under the same name, so pip let one overwrite the other's files: either may "
        "now fail, and uninstalling one leaves the other broken. Install backprop-lab into a virtual environment "
        "of its own (python -m venv .venv; see the README's section on installing). To repair this environment: "
        f"pip uninstall backprop-lab{repair}."
    )


_check_installed_alone()
