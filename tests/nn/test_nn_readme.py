"""The README's "Neural networks: nn" examples run and print what the README says."""

import doctest

from readme_sections import python_blocks, readme_section, run_examples

NN = "Neural networks: nn"


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = "\n".join(python_blocks(readme_section(NN)))
    assert code.count(">>>") > 20
    run_examples(code, NN, optionflags=doctest.ELLIPSIS)
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
