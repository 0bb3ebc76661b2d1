"""`python -m demos`: the list, running one demo, errors; and every demo module has the agreed shape."""

import importlib
import random
import subprocess
import sys
from pathlib import Path

import pytest

from demos import __main__ as cli

EXPECTED = [
    "chain_rule",
    "paths",
    "forward_reverse",
    "gradcheck",
    "misconceptions",
    "perceptron_xor",
    "moons",
    "delta_rule",
    "universal_approximation",
    "activations",
    "losses",
    "gradient_descent",
    "optimizers",
    "newton",
    "digits",
    "jacobians",
    "symmetries",
]


def test_list(capsys):
    assert cli.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    demos, rest = lines[: len(EXPECTED)], lines[len(EXPECTED) :]
    assert [line.split()[0] for line in demos] == EXPECTED
    assert all(len(line.split()) > 3 for line in demos)  # a one-line description each
    assert "benchmark" not in "\n".join(lines)
    assert rest[0] == "" and rest[1].startswith("The tutorial notebook: jupyter notebook ")
    assert rest[1].endswith("tutorial.ipynb") and Path(rest[1].split()[-1]).is_file()  # where it is installed


def test_list_in_a_fresh_interpreter():
    out = subprocess.run(
        [sys.executable, "-m", "demos", "--list"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.split()[0] == "chain_rule"


def test_unknown_name(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["no_such_demo"])
    assert exc.value.code == 2
    assert "unknown demo no_such_demo" in capsys.readouterr().err


def test_run_one_demo(tmp_path, capsys):
    assert cli.main(["paths", "--quick", "--out", str(tmp_path)]) == 0
    assert "Sum over paths" in capsys.readouterr().out
    assert (tmp_path / "paths" / "paths_vs_edges.png").is_file()


def test_a_failing_demo_is_reported_and_the_others_run(tmp_path, monkeypatch, capsys):
    def broken(out, quick=False):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(importlib.import_module("demos.gradcheck"), "run", broken)
    status = cli.main(["gradcheck", "paths", "--quick", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 1
    assert "broken on purpose" in captured.err
    assert "FAILED" in captured.out and "paths" in captured.out
    assert (tmp_path / "paths" / "paths_vs_edges.png").is_file()


@pytest.mark.parametrize("name", EXPECTED)
def test_module_shape(name):
    module = importlib.import_module(cli.DEMOS[name])
    assert module.__doc__ and len(module.__doc__.strip().splitlines()) > 2  # says what it teaches
    assert callable(module.run) and callable(module.main)
    assert module.NAME == name
    if getattr(module, "random", None) is random:  # everything random is seeded
        assert isinstance(module.SEED, int)
    # run as a script, the module calls main(): its command line answers --help
    script = subprocess.run(
        [sys.executable, "-m", cli.DEMOS[name], "--help"], capture_output=True, text=True, timeout=60
    )
    assert script.returncode == 0, script.stderr
    assert "--quick" in script.stdout and module.__doc__.strip().splitlines()[0] in " ".join(script.stdout.split())


def test_readme_lists_every_demo_and_embeds_two_pictures():
    from picture_checks import check_image
    from readme_sections import ROOT, readme_section

    section = readme_section("Demos")
    for name in EXPECTED:
        assert f"- **{name}**:" in section
    assert "benchmark" not in section
    pictures = [line.split("](", 1)[1].rstrip(")") for line in section.splitlines() if line.startswith("![")]
    assert len(pictures) == 4  # moons, universal approximation, a lecture-mode frame, the perceptron animation
    for picture in pictures:
        check_image(ROOT / picture)


# A plain `pip install .` brings no matplotlib: a demo that needs it says so before it starts.


def without(monkeypatch, *modules):
    """Make `modules` not installed, as Python's import system sees it (find_spec finds nothing, import fails)."""
    for module in modules:
        for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, module, None)


def test_a_demo_whose_extra_is_missing_is_not_started(tmp_path, monkeypatch, capsys):
    started = []
    for name in ("moons", "chain_rule"):
        module = importlib.import_module(f"demos.{name}")
        monkeypatch.setattr(module, "run", lambda out, quick=False, name=name: started.append(name) or {})
    without(monkeypatch, "matplotlib")
    status = cli.main(["moons", "chain_rule", "--quick", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 1 and started == ["chain_rule"]  # it needs Graphviz alone (NEEDS says so)
    notice = captured.err.split("The other demos run now.")[0]
    assert "moons: [demos] (matplotlib" in notice and "chain_rule" not in notice
    assert 'pip install -e ".[demos]"' in notice or "pip install -e " in notice
    assert "not run: needs [demos]" in captured.out
    assert [line for line in captured.out.splitlines() if line.strip().startswith("chain_rule")][-1].endswith("ok")


def test_python_m_demo_without_its_extra_stops_before_training():
    # what a plain `pip install .` gave: moons trained for 4 s, then ModuleNotFoundError
    code = (
        "import sys, runpy; sys.modules['matplotlib'] = None; sys.argv = ['moons', '--quick', '--out', 'never'];"
        "runpy.run_module('demos.moons', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "ModuleNotFoundError" not in done.stderr
    assert "moons: [demos] (matplotlib" in done.stderr and "pip install" in done.stderr
    assert done.stdout == ""  # nothing trained, nothing printed


def test_digits_with_mnist_files_needs_no_scikit_learn(monkeypatch):
    digits = importlib.import_module("demos.digits")
    ran = []
    monkeypatch.setattr(digits, "run", lambda out, quick=False, mnist=None: ran.append(mnist) or {})
    without(monkeypatch, "sklearn")
    with pytest.raises(SystemExit) as stop:
        digits.main(["--quick"])
    assert "digits: [digits] (sklearn)" in str(stop.value.code) and not ran
    digits.main(["--quick", "--mnist", "somewhere"])
    assert ran == ["somewhere"]


def test_every_demo_declares_what_it_needs():
    from demos import _common as c

    assert set(cli.DEMOS) <= set(c.NEEDS)
    for name in set(c.NEEDS) - set(cli.DEMOS) - {"tutorial"}:  # the notebook is no module
        assert importlib.import_module(f"demos.{name}").NAME == name  # demos with a command line of their own
    for needs in c.NEEDS.values():
        assert set(needs) <= set(c.EXTRA_MODULES)


def test_another_projects_autograd_is_named_not_a_traceback(monkeypatch, capsys):
    # an editable install beside HIPS autograd: `import autograd` finds HIPS's package first
    import types

    other = types.ModuleType("autograd")
    other.__file__ = "/somewhere/site-packages/autograd/__init__.py"
    monkeypatch.setitem(sys.modules, "autograd", other)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--list"])
    err = capsys.readouterr().err
    assert stop.value.code == 1
    assert "another project's package" in err and other.__file__ in err and "virtual environment" in err


def test_every_summary_is_the_first_line_of_the_docstring():
    """SUMMARY (translated for --list and --help) says in English exactly what the docstring's first line says."""
    for name, module_name in {**cli.DEMOS, "playground": "demos.playground"}.items():
        module = importlib.import_module(module_name)
        if hasattr(module, "SUMMARY"):
            assert module.SUMMARY == module.__doc__.strip().splitlines()[0], name


def test_list_and_summary_in_german(tmp_path, capsys):
    assert cli.main(["--lang", "de", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("moons ")][0].split(None, 1)[1].startswith("Zwei Monde: ")
    assert lines[len(EXPECTED) + 1].startswith("Das Tutorial-Notebook: jupyter notebook ")
    assert cli.main(["paths", "gradcheck", "--quick", "--lang", "de", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Zusammenfassung\n===============" in out and "Bilder unter " in out and "Geschriebene Bilder:" in out
    assert [line.split()[-1] for line in out.splitlines() if line.strip().startswith(("paths ", "gradcheck "))] == [
        "ok",
        "ok",
    ]


def test_help_of_python_m_demos_follows_lang_or_the_locale():
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    for argv, lang, says in (
        (["--lang", "de", "--help"], "C", "Aufruf: python -m demos"),
        (["--help"], "de_DE.UTF-8", "die Demos auflisten und beenden"),
        (["--help"], "C", "list the demos and exit"),
    ):
        out = subprocess.run(
            [sys.executable, "-m", "demos", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            env={**env, "LANG": lang},
        ).stdout
        assert says in out, out
    out = subprocess.run(
        [sys.executable, "-m", "demos.moons", "--lang", "de", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    assert out.startswith("Aufruf: python -m demos.moons ") and "Zwei Monde" in out and "Optionen:" in out


def test_status_in_german():
    assert cli.status(RuntimeError("x"), "de") == "FEHLGESCHLAGEN" and cli.status({}, "de") == "ok"
    assert cli.status({"skipped": True}, "de") == "übersprungen"
    assert cli.status(cli.c.MissingExtra("braucht [demos]"), "de") == "nicht gestartet: braucht [demos]"
