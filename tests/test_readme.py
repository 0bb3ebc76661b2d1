"""The README's examples pass plain `python -m doctest README.md`, as a reader would run them."""

import subprocess
import sys

import pytest
from checks import HAS_DOT
from readme_sections import README


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` is not installed; the README's picture examples render files")
def test_python_m_doctest_readme(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "doctest", str(README)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert (tmp_path / "chain_rule.svg").exists()  # the examples really ran (they write this picture)
