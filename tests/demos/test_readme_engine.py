"""The README's first examples ("The engine in one minute", "Checking gradients yourself") run as printed.

The other README sections have their own tests (tests/autograd/test_pictures.py, tests/nn/test_nn_readme.py,
test_demo_main.py). The expected output here is the README's own text, whose numbers are the course's
chain-rule table (294, 126, 42).
"""

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The engine in one minute")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else len(text)]


def test_readme_engine_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    section = readme_section()
    assert "### Checking gradients yourself" in section
    code = "\n".join(re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL))
    assert "(294.0, 126.0, 294.0, 126.0, 42.0)" in code
    test = doctest.DocTestParser().get_doctest(code, {}, "README: The engine in one minute", "README.md", 0)
    assert len(test.examples) >= 7
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
