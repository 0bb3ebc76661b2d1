"""Shared test configuration: hypothesis profiles, and the `global_random` fixture.

`ci` (the default) keeps property tests fast and free of timing flakiness;
`thorough` runs many more examples: `HYPOTHESIS_PROFILE=thorough python -m pytest`.
"""

import os
import random

import pytest

# The tests read English output; a machine with a German locale would otherwise get German (see autograd.language).
os.environ["LANGUAGE"] = "en"

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is in the `test` extra; without it its tests are skipped
    settings = None

if settings is not None:
    settings.register_profile(
        "ci",
        max_examples=100,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("thorough", max_examples=3000, deadline=None, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def global_random():
    """Python's global `random` module, for a test that seeds it (as micrograd's code does); its state is
    restored afterwards, so no other test sees the seed."""
    state = random.getstate()
    yield random
    random.setstate(state)
