"""What an install gives: the version, the licence, py.typed, and protection against projects of the same names.

The slow tests build the project and install it into fresh virtual
environments (pip's package index needed: they skip with the reason without
it); the others run offline in a moment.
"""

import functools
import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from readme_sections import ROOT

import autograd

CHECK_NAMES = ROOT / ".ci" / "check-names"


def test_version_is_written_once_and_installed():
    assert autograd.__version__ == metadata.version("backprop-lab")
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and 'attr = "autograd.__version__"' in text
    assert '\nversion = "' not in text  # no second copy


def test_licence_is_the_mit_licence_the_metadata_names():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "the backprop-lab authors" in licence
    assert "WITHOUT WARRANTY OF ANY KIND" in licence
    assert metadata.metadata("backprop-lab")["License-Expression"] == "MIT"


@pytest.mark.parametrize("package", ["autograd", "nn"])
def test_packages_say_they_are_typed(package):
    assert (ROOT / package / "py.typed").is_file()


# Another project that owns `autograd`, `nn` or `demos` (HIPS autograd is `autograd`).


def fake_distribution(site: Path, name: str, version: str, files) -> None:
    """A minimal installed distribution: its dist-info (METADATA, RECORD listing `files`) and the files."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files) + f"{info.name}/RECORD,,\n", encoding="utf-8")
    for f in files:
        (site / f).parent.mkdir(parents=True, exist_ok=True)
        (site / f).touch()


def run_python(args, site=None, cwd=None, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300, **kwargs
    )


def test_check_names_passes_here_and_refuses_beside_another_project(tmp_path):
    assert run_python([str(CHECK_NAMES)]).returncode == 0  # this environment has backprop-lab alone
    site = tmp_path / "site"
    fake_distribution(site, "autograd", "1.9.1", ["autograd/__init__.py", "autograd/tracer.py"])
    done = run_python([str(CHECK_NAMES)], site=site)
    assert done.returncode == 1
    assert "autograd: the distribution autograd 1.9.1" in done.stderr and "virtual environment" in done.stderr


def installed_copy(site: Path) -> None:
    """This project's packages in `site` with the RECORD pip writes, as a wheel installs them."""
    files = []
    for package in ("autograd", "nn", "demos"):
        shutil.copytree(ROOT / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
        files += [p.relative_to(site).as_posix() for p in (site / package).rglob("*") if p.is_file()]
    info = site / f"backprop_lab-{autograd.__version__}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: backprop-lab\nVersion: {autograd.__version__}\n")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files) + f"{info.name}/RECORD,,\n", encoding="utf-8")


IMPORT = "import warnings; warnings.simplefilter('always'); import autograd, nn"


def test_import_says_once_when_another_projects_files_share_the_folder(tmp_path):
    site = tmp_path / "site"
    installed_copy(site)
    alone = run_python(["-c", IMPORT], site=site, cwd=tmp_path)
    assert alone.returncode == 0 and alone.stderr == ""
    # HIPS autograd installed first: pip put this project's files over its files
    fake_distribution(site, "autograd", "1.9.1", ["autograd/tracer.py", "autograd/numpy/__init__.py"])
    mixed = run_python(["-c", IMPORT + "; import demos"], site=site, cwd=tmp_path)
    assert mixed.returncode == 0
    assert mixed.stderr.count("MixedInstallWarning") == 1
    assert "autograd: also holds files of autograd 1.9.1 (numpy, tracer.py)" in mixed.stderr
    assert "pip install --force-reinstall --no-deps autograd==1.9.1" in mixed.stderr


# Slow: real installs into fresh virtual environments.


@functools.cache
def index_problem() -> str | None:
    """Why pip cannot fetch from its package index here, or None."""
    try:
        with __import__("tempfile").TemporaryDirectory() as folder:
            done = run_python(["-m", "pip", "download", "--no-deps", "-q", "-d", folder, "autograd"])
    except subprocess.TimeoutExpired:
        return "pip's package index did not answer within 5 minutes"
    return None if done.returncode == 0 else f"pip cannot reach its package index: {done.stderr.strip()[-300:]}"


def needs_index():
    problem = index_problem()
    if problem:
        pytest.skip(problem)


def fresh_venv(folder: Path, *options: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", *options, str(folder)], check=True, timeout=300)
    return folder / ("Scripts" if os.name == "nt" else "bin") / "python"


def pip(python: Path, *args):
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *args], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_hips_autograd_and_this_project_in_one_environment(tmp_path):
    needs_index()
    source = tmp_path / "source"  # a copy: building writes into the source folder
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "out", "build", "*.egg-info", "__pycache__")
    )
    python = fresh_venv(tmp_path / "venv")
    pip(python, "autograd")  # HIPS autograd, as PennyLane brings it
    refused = subprocess.run([str(python), str(CHECK_NAMES)], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "autograd: the distribution autograd " in refused.stderr

    pip(python, str(source))  # what the warning is for: installed anyway
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = subprocess.run(
        [str(python), "-c", "import autograd; print(autograd.__file__)"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=elsewhere,
    )
    assert imported.returncode == 0 and "site-packages" in imported.stdout
    assert "MixedInstallWarning" in imported.stderr and "also holds files of autograd " in imported.stderr
    repair = imported.stderr.split("To repair this environment: ")[1].strip().rstrip(".")
    for command in repair.split(", then "):  # the commands it gives do repair HIPS autograd
        assert command.startswith("pip ")
        args = command.split()[1:] + (["-y"] if "uninstall" in command else [])
        subprocess.run([str(python), "-m", "pip", *args, "-q"], check=True, capture_output=True, timeout=900)
    hips = subprocess.run(
        [str(python), "-c", "import autograd.numpy as np; from autograd import grad; print(grad(np.sin)(0.0))"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=elsewhere,
    )
    assert hips.stdout.strip() == "1.0", hips.stderr


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_environment():
    # .ci/wheel-smoke: sdist, wheel, fresh venv, import, a picture, the player page, the notebook, a demo and its extra
    if importlib.util.find_spec("build") is None:
        pytest.skip("the `build` package is not installed (pip install -e '.[check]')")
    for program in ("bash", "git", "tar", "dot"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed")
    needs_index()
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "wheel-smoke")],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.rstrip().endswith("wheel-smoke: ok")


USER_CODE = """
from autograd import Value
from nn import MLP, SGD, mse

a, b = Value(2.0, label="a"), Value(3.0, label="b")
f = (a * b + a).tanh() / 2 - 1.0
f.backward()
model = MLP(2, [4, 1], rng=0)
loss = mse([model([1.0, 2.0])], [1.0])
SGD(model.parameters(), lr=0.1).step()
"""


def test_type_checker_accepts_the_readmes_code(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[check]')")
    user = tmp_path / "user.py"
    user.write_text(textwrap.dedent(USER_CODE), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "--follow-imports", "silent", str(user)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout
    user.write_text("from autograd import Value\ny: str = Value(1.0).tanh()\n", encoding="utf-8")  # a Value is no str
    wrong = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "--follow-imports", "silent", str(user)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert wrong.returncode == 1 and "Incompatible types in assignment" in wrong.stdout, wrong.stdout


def test_setup_refuses_a_venv_that_holds_another_owner_of_the_names(tmp_path):
    if shutil.which("bash") is None or shutil.which("dot") is None:
        pytest.skip("bash and Graphviz's dot are needed (without dot, .ci/setup would install it)")
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    for script in ("setup", "check-names"):
        shutil.copy(ROOT / ".ci" / script, checkout / ".ci" / script)
    python = fresh_venv(checkout / ".venv", "--without-pip")  # refused before pip is needed
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    fake_distribution(Path(site), "autograd", "1.9.1", ["autograd/__init__.py", "autograd/tracer.py"])
    done = subprocess.run(["bash", ".ci/setup", "demos"], capture_output=True, text=True, cwd=checkout, timeout=300)
    assert done.returncode == 1
    assert "autograd: the distribution autograd 1.9.1" in done.stderr
    assert "nothing installed" in done.stdout and "installing the project" not in done.stdout


def test_nn_names_a_foreign_autograd(tmp_path):
    """With another project's `autograd` found first (HIPS autograd beside an editable install), `import nn`
    says so instead of Python's "cannot import name 'Value'"."""
    fake = tmp_path / "autograd"
    fake.mkdir()
    (fake / "__init__.py").write_text("def grad(f):\n    return f\n")
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(repo)]))
    run = subprocess.run([sys.executable, "-c", "import nn"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode != 0
    assert "nn needs backprop-lab's autograd" in run.stderr and str(fake) in run.stderr
    assert "cannot import name" not in run.stderr
