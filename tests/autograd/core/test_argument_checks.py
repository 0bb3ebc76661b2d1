"""The shared argument checks refuse the five kinds of bad input with one clear wording."""

import numpy as np
import pytest

from autograd.core import checks


def test_choice():
    assert checks.choice("forward", "mode", "jacobian", ("reverse", "forward")) == "forward"
    for bad in (np.array(["forward", "reverse"]), np.array("forward"), ["forward"], None, 1, b"forward"):
        with pytest.raises(TypeError, match="jacobian: mode must be one of 'reverse', 'forward' \\(a string\\)"):
            checks.choice(bad, "mode", "jacobian", ("reverse", "forward"))
    with pytest.raises(ValueError, match="jacobian: mode must be one of 'reverse', 'forward', not str 'sideways'"):
        checks.choice("sideways", "mode", "jacobian", ("reverse", "forward"))


def test_path():
    assert checks.path("a/b", "folder", "save_steps") == "a/b"
    for bad in (None, 3, b"a"):
        with pytest.raises(TypeError, match="save_steps: folder must be a str or a path"):
            checks.path(bad, "folder", "save_steps")


def test_numbers_too_large_for_a_float_are_a_clear_value_error():
    with pytest.raises(ValueError, match=r"hvp: v must be a finite number, not an integer of 401 digits") as info:
        checks.number(10**400, "v", "hvp")
    assert len(str(info.value)) < 200
    with pytest.raises(ValueError, match=r"vector\[1\] must be a finite number, not an integer of 401 digits"):
        checks.floats([1, -(10**400)], "vector", "hvp")


@pytest.mark.parametrize(
    "bad, error, words",
    [
        (np.array(3.0), TypeError, "sequence of numbers .*a single number"),
        (np.zeros((2, 2)), TypeError, "one dimension"),
        (b"ab", TypeError, "a string is not a list"),
        ([b"a", 1.0], TypeError, r"tangents\[0\] must be a number, not bytes"),
        (["1.5", 1.0], TypeError, r"tangents\[0\] must be a number, not str"),
        (np.array(["1.5", "1"]), TypeError, "must hold numbers"),
        ([True, 1.0], TypeError, r"tangents\[0\] must be a number, not bool"),
        ({1.0, 2.0}, TypeError, "a set has no order"),
        (3.0, TypeError, "must be a sequence"),
        ([1.0, float("nan")], ValueError, r"tangents\[1\] must be a finite number"),
    ],
)
def test_floats_refuses_with_the_arguments_name(bad, error, words):
    with pytest.raises(error, match=f"jvp: .*{words}"):
        checks.floats(bad, "tangents", "jvp")


def test_floats_accepts_sequences_of_numbers():
    assert checks.floats(np.array([1, 2], dtype=np.uint8), "v", "f") == [1.0, 2.0]
    assert checks.floats((x / 2 for x in range(3)), "v", "f", length=3) == [0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="f: v has 2 numbers; give 3"):
        checks.floats([1, 2], "v", "f", length=3)
    assert checks.floats([float("inf")], "v", "f", finite=False) == [float("inf")]
