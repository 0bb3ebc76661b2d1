"""The engine's tests, in folders as the engine is (core, transforms, compiler, pictures).

Some test modules read another's tables: the transform and compiler tests take the operations and sample
points of core/test_ops.py (and test_operations.py, test_hypothesis.py's random graphs, test_torch.py's
table). pytest's default import mode puts only a test file's own folder on sys.path, so core/ is put
there too. Module names stay unique across the folders (no __init__.py: pytest's "prepend" mode).
"""

import sys
from pathlib import Path

CORE = str(Path(__file__).resolve().parent / "core")
if CORE not in sys.path:
    sys.path.insert(0, CORE)
