"""The README's "Neural networks: nn" examples run and print what the README says."""

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Neural networks: nn")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else len(text)]


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = "\n".join(re.findall(r"```python\n(.*?)```", readme_section(), flags=re.DOTALL))
    assert code.count(">>>") > 20
    test = doctest.DocTestParser().get_doctest(code, {}, "README: Neural networks: nn", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (tmp_path / "xor.json").exists()


def test_module_docstring_examples():
    import nn.activations
    import nn.data
    import nn.layers
    import nn.losses
    import nn.training

    for module in (nn, nn.activations, nn.data, nn.layers, nn.losses, nn.training):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__


def test_the_training_module_and_the_train_function_have_different_names():
    import nn.training
    from nn import train

    assert callable(train) and train is nn.training.train
    assert nn.train is train  # the package attribute is the function, not a module
