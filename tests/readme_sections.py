"""The README read as tests: one `## ` section, its Python code blocks, its `>>>` examples run by doctest."""

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def readme_section(title: str) -> str:
    """The README's section `## title`: from its heading up to the next `## ` heading (or the end)."""
    text = README.read_text(encoding="utf-8")
    start = re.search(rf"^## {re.escape(title)}[ \t]*$", text, flags=re.MULTILINE)
    assert start, f"README.md has no section '## {title}'"
    end = text.find("\n## ", start.end())
    return text[start.start() : end if end != -1 else len(text)]


def python_blocks(section: str) -> list[str]:
    """The contents of the ```python code blocks of a section, in order."""
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run_examples(code: str, name: str, optionflags: int = 0) -> doctest.DocTest:
    """Run the `>>>` examples in `code` as doctest does, assert that none failed, return the DocTest."""
    test = doctest.DocTestParser().get_doctest(code, {}, f"README: {name}", "README.md", 0)
    assert test.examples, f"README section {name!r}: no >>> examples found"
    runner = doctest.DocTestRunner(optionflags=optionflags)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, f"README section {name!r}: a doctest example failed"
    return test
