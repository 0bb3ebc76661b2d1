"""Fixtures for the nn tests."""

import random

import pytest


@pytest.fixture
def restore_global_random():
    """For a test that seeds Python's global `random`: its state is put back afterwards."""
    state = random.getstate()
    yield
    random.setstate(state)
