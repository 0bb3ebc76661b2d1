"""The README's examples pass plain `python -m doctest README.md`, as a reader would run them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_python_m_doctest_readme(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` is not installed; the README's picture examples render files")
    result = subprocess.run(
        [sys.executable, "-m", "doctest", str(README)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert (tmp_path / "chain_rule.svg").exists()  # the examples really ran (they write this picture)
