"""README.md as a test: every Python block and every command runs, on a plain (non-editable) install.

How each fenced block of README.md is used, in README order, in one temporary folder that is
not the repository:

- ``bash``: every line is a command, run with bash; ``policybench`` is the console script of
  a plain install (see below). The set-up block's ``python3 -m venv .venv && .venv/bin/pip
  install .`` is replaced by that install (same result, no network); the rest of its line runs
  as written. The development block (editable install, lint, type-check, tests) is what
  ``.ci/run`` runs: the test checks that ``.ci/run`` holds exactly that command.
- ``text`` blocks whose first line starts with ``$ ``: the command runs and its output must be
  the rest of the block, exactly.
- ``yaml`` blocks: ``# file: NAME`` writes the block to NAME; ``# NAME, below the $schema
  line`` keeps NAME's first line and replaces the rest with the block.
- ``python`` blocks: run together, at the end, by the plain install's interpreter.

The plain install: a wheel built from the repository (``pip wheel --no-build-isolation``) is
installed with ``pip install --no-deps`` into a fresh virtual environment whose only other
packages are the test environment's dependencies (numpy, pandas, ...), seen through a ``.pth``
file. So policybench itself is installed exactly as ``pip install .`` installs it (bundled
data, console script, no source tree on the path); only the download of the dependencies is
skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SETUP = "python3 -m venv .venv && .venv/bin/pip install . && "
DEV_PREFIX = 'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]"'
FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n", re.S | re.M)


def readme_blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block of README.md, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(README.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with policybench installed from a wheel (not editable)."""
    base = tmp_path_factory.mktemp("plain")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INDEX": "1"}
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(base / "wheel"), str(ROOT)],
        check=True,
        env=env,
    )
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    (wheel,) = (base / "wheel").glob("policybench-*.whl")
    subprocess.run([*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)], check=True, env=env)
    return venv


def _commands(block: str) -> list[str]:
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _run(command: str, cwd: Path, venv: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "SOURCE_DATE_EPOCH": "1764201600"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)


def _write_yaml(block: str, cwd: Path) -> None:
    first = block.splitlines()[0]
    whole = re.match(r"# file: (\S+)$", first)
    below = re.match(r"# (\S+), below the \$schema line$", first)
    if whole:
        (cwd / whole.group(1)).write_text(block, encoding="utf-8")
    elif below:
        target = cwd / below.group(1)
        schema_line = target.read_text(encoding="utf-8").splitlines()[0]
        assert schema_line.startswith("$schema: file://") and "site-packages" in schema_line, schema_line
        target.write_text(schema_line + "\n" + block, encoding="utf-8")
    else:
        pytest.fail(
            f"a yaml block of README must start with '# file: NAME' or '# NAME, below the $schema line': {first}"
        )


def _system_or_extra_install(command: str) -> bool:
    """Checks an install line that the test cannot run offline; True when it was one.

    ``.venv/bin/pip install ".[a,b]"``: the extras exist in pyproject.toml (the test environment
    has their packages). ``sudo apt-get install P ...``: .ci/run installs the same packages.
    """
    extras = re.fullmatch(r'\.venv/bin/pip install "\.\[([\w,-]+)\]"', command)
    if extras:
        pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        for extra in extras.group(1).split(","):
            assert re.search(rf"^{re.escape(extra)} = \[", pyproject, re.M), f"README installs unknown extra {extra}"
        return True
    if command.startswith("sudo apt-get install "):
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        for package in command.split()[3:]:
            assert package in ci.split(), f"README's system package {package} is not installed by .ci/run"
        return True
    return False


def test_every_block_of_the_readme_runs_on_a_plain_install(plain_install: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"  # not the repository: the installed copy must be used
    work.mkdir()
    (work / ".venv").symlink_to(plain_install)
    python_blocks: list[str] = []
    ran = 0
    for lang, block in readme_blocks():
        if lang == "python":
            python_blocks.append(block)
        elif lang == "yaml":
            _write_yaml(block, work)
        elif lang == "text" and block.startswith("$ "):
            command, *expected = block.rstrip("\n").splitlines()
            result = _run(command[2:], work, plain_install)
            assert result.stdout.rstrip("\n").splitlines() == expected, result.stderr
            ran += 1
        elif lang == "bash":
            for command in _commands(block):
                if command.startswith(DEV_PREFIX):
                    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
                    assert command in ci.splitlines(), "README's test command must be the one .ci/run runs"
                    continue
                if command.startswith(SETUP):
                    command = command[len(SETUP) :]
                if _system_or_extra_install(command):
                    continue
                result = _run(command, work, plain_install)
                assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
                assert "Traceback" not in result.stderr
                ran += 1
    assert ran >= 8 and python_blocks
    script = work / "readme_tour.py"
    script.write_text("\n".join(python_blocks), encoding="utf-8")
    result = _run(f"{plain_install / 'bin' / 'python'} -W error {script.name}", work, plain_install)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "tianjin.en.html").stat().st_size > 10_000
    assert (work / "report.html").is_file() and (work / "my-htz.html").is_file()
    assert "Example High-tech Zone" in (work / "my-htz.html").read_text(encoding="utf-8")


def test_readme_documents_every_subcommand() -> None:
    from policybench.cli import COMMANDS

    text = README.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"`policybench {name}" not in text]
    assert not missing, f"README's command table lacks: {missing}"
