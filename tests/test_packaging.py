"""`pip install` from a wheel, as a person outside the checkout gets factbot.

The wheel is built from a copy of the sources (nothing is written into the checkout) with the
setuptools this venv has (no index is reached), installed into a fresh venv in a temporary folder,
and run from there: the default corpus is the documentation shipped inside the package.
The venv gets the dependencies by a path entry to this venv's site-packages instead of a
download; the `factbot` package itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.answers.backends.corpus_samples import write_sample_corpus

pytestmark = pytest.mark.slow  # every test here starts another process

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "answers", "adapters", "bot", "docs")
QUESTION = "How does factbot cache answers?"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin,
                source / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            shutil.copy2(origin, source / name)
    out = tmp_path_factory.mktemp("dist")
    run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"),
        *("--quiet", "--wheel-dir", out, source),
        cwd=source,
    )
    (found,) = out.glob("factbot-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv holding factbot from the wheel; returns its bin folder."""
    home = tmp_path_factory.mktemp("elsewhere")
    venv = home / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=home)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet"),
        wheel,
        cwd=home,
    )
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=home
        ).strip()
    )
    # Appended after the venv's own site-packages: the dependencies, never a second factbot.
    (site / "zz_factbot_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    yield venv / "bin"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without this checkout on the path; wide lines for the asserts."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PWD")}
    return {
        **env,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "COLUMNS": "200",
        **extra,
    }


def test_the_wheel_carries_the_documentation(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.removeprefix("bot/docs/") for n in names if n.startswith("bot/docs/")}
    in_checkout = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert in_checkout and in_checkout <= shipped
    assert "adapters/slack/manifest.yml" in names
    assert not any(n.startswith(("tests/", "docs/")) for n in names)


def test_an_installed_factbot_answers_from_its_shipped_docs(
    installed: Path, tmp_path: Path
) -> None:
    env = clean_env(tmp_path)
    where = run(
        installed / "python", "-c", "import bot; print(bot.__file__)", cwd=tmp_path, env=env
    )
    assert Path(where.strip()).is_relative_to(installed.parent), "factbot came from the checkout"
    out = run(installed / "factbot", "ask", QUESTION, cwd=tmp_path, env=env)
    assert "Sources" in out and "[1]" in out
    assert "docs/caching.md" in out  # cited from the copy inside the package
    version = run(installed / "factbot", "--version", cwd=tmp_path, env=env)
    assert version.startswith("factbot 0.") or version.startswith("factbot 1.")


def test_an_installed_factbot_still_reads_factbot_corpus(installed: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "kb"
    write_sample_corpus(corpus)
    env = clean_env(tmp_path, FACTBOT_CORPUS=str(corpus))
    out = run(
        installed / "factbot",
        "ask",
        "How is green tea brewed?",
        cwd=tmp_path,
        env=env,
    )
    assert "tea.example.org/green" in out and "80 degrees" in out
    listed = run(installed / "factbot", "index", cwd=tmp_path, env=env)
    assert "tea.md" in listed and "caching.md" not in listed
