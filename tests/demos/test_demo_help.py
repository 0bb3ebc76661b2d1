"""`--help` names the command that runs a demo (`python -m demos.moons`), not the file (`moons.py`)."""

import subprocess
import sys

from demos import _common


def test_help_of_a_demo_started_with_python_m_names_that_command():
    out = subprocess.run(
        [sys.executable, "-m", "demos.moons", "--help"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.startswith("usage: python -m demos.moons ")
    assert "moons.py" not in out


def test_parse_args_takes_the_demo_module(capsys):
    try:
        _common.parse_args(["--help"], "A demo.\n\nMore.", "demos.paths")
    except SystemExit:
        pass
    assert capsys.readouterr().out.startswith("usage: python -m demos.paths [-h] [--out OUT] [--quick]")
    args = _common.parse_args(["--quick", "--out", "x"], "A demo.", "demos.paths")
    assert args.quick and args.out == "x"
