"""Fixtures of the picture tests (test_pictures.py, test_steps.py)."""

import pytest


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH without Graphviz: graphviz then raises ExecutableNotFound internally."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path
