"""The README's first examples ("The engine in one minute", "Checking gradients yourself") run as printed.

The other README sections have their own tests (tests/autograd/pictures/test_pictures.py, tests/nn/test_nn_readme.py,
test_demo_main.py). The expected output here is the README's own text, whose numbers are the course's
chain-rule table (294, 126, 42).
"""

from readme_sections import python_blocks, readme_section, run_examples

ENGINE = "The engine in one minute"


def test_readme_engine_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    section = readme_section(ENGINE)
    assert "### Checking gradients yourself" in section
    code = "\n".join(python_blocks(section))
    assert "(294.0, 126.0, 294.0, 126.0, 42.0)" in code
    test = run_examples(code, ENGINE)
    assert len(test.examples) >= 7
