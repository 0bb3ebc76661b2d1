"""Shared test configuration: hypothesis profiles.

`ci` (the default) keeps property tests fast and free of timing flakiness;
`thorough` runs many more examples: `HYPOTHESIS_PROFILE=thorough python -m pytest`.
"""

import os

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
