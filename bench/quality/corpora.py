"""The harness's corpora: Debian documentation packages, downloaded and unpacked by the harness.

Nobody on this project wrote them. `apt-get download` needs no root (it only
fetches the .deb into the current folder) and `dpkg-deb -x` unpacks it
anywhere; only the subset of pages a corpus names is copied into its folder.
The documents are shared by every checkout; each checkout keeps its own index
of them. Each corpus folder carries a marker file (hidden, so factbot never indexes
it) naming the package version it was made from; a folder without the
marker, or from another package or subset, is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CORPORA",
    "Corpus",
    "CorpusSetupError",
    "InstalledCorpus",
    "default_cache",
    "install",
]

MARKER = ".quality-corpus.json"


class CorpusSetupError(RuntimeError):
    """The corpus could not be installed; the message says what to do."""


@dataclass(frozen=True)
class Corpus:
    name: str  # also the corpus folder's name, so it starts every source URL ("python/...")
    package: str  # the Debian package
    preferred_version: str  # pinned for repeatable runs; the archive's candidate if it is gone
    root: str  # the HTML root inside the package
    include: tuple[str, ...]  # folders or files under root, copied into the corpus
    questions: str  # the question set's file name, beside this module
    description: str

    def spec(self) -> str:
        """What the installed folder must have been made from."""
        return json.dumps([self.package, self.root, list(self.include)])


CORPORA: dict[str, Corpus] = {
    "python": Corpus(
        name="python",
        package="python3.11-doc",
        preferred_version="3.11.2-6+deb12u9",
        root="usr/share/doc/python3.11/html",
        include=("library", "tutorial", "reference", "faq", "howto", "glossary.html"),
        questions="python.yaml",
        description="Python 3.11 documentation: library, tutorial, reference, FAQ, HOWTOs, glossary",
    ),
    "sqlite": Corpus(
        name="sqlite",
        package="sqlite3-doc",
        preferred_version="3.40.1-2+deb12u2",
        root="usr/share/doc/sqlite3",
        include=("*.html",),  # the top-level pages: no C API, release log or syntax diagrams
        questions="sqlite.yaml",
        description="SQLite 3.40 documentation: the top-level pages (SQL language, pragmas, FAQ, ...)",
    ),
}


@dataclass(frozen=True)
class InstalledCorpus:
    corpus: Corpus
    folder: Path  # the documents
    index_path: Path  # factbot's index of them
    version: str  # the package version unpacked

    def pages(self) -> list[str]:
        """Every page of the corpus, relative to its folder, sorted."""
        return sorted(
            p.relative_to(self.folder).as_posix()
            for p in self.folder.rglob("*.html")
            if not any(part.startswith(".") for part in p.relative_to(self.folder).parts)
        )


def default_cache() -> Path:
    """`$XDG_CACHE_HOME/factbot/quality` (`~/.cache/factbot/quality`)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    home = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return home / "factbot" / "quality"


def install(corpus: Corpus, cache: Path, *, log: bool = True) -> InstalledCorpus:
    """The corpus's folder under `cache`, downloaded and unpacked first if it is not there yet."""
    folder = cache / "corpora" / corpus.name
    index_path = cache / "index" / _checkout_key() / f"{corpus.name}.sqlite3"
    marker = folder / MARKER
    if marker.is_file():
        try:
            made = json.loads(marker.read_text())
            if made.get("spec") == corpus.spec():
                return InstalledCorpus(corpus, folder, index_path, str(made["version"]))
        except (ValueError, KeyError, OSError):
            pass
    if log:
        print(
            f"installing the {corpus.name} corpus from the Debian package {corpus.package} ...",
            flush=True,
        )
    deb = _download(corpus, cache / "downloads")
    version = _deb_field(deb, "Version")
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        unpacked = Path(scratch) / "unpacked"
        _run(["dpkg-deb", "-x", str(deb), str(unpacked)], what=f"unpacking {deb.name}")
        staged = Path(scratch) / corpus.name
        _copy_subset(unpacked / corpus.root, corpus.include, staged)
        (staged / MARKER).write_text(
            json.dumps({"spec": corpus.spec(), "version": version, "deb": deb.name}) + "\n"
        )
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(folder)
    return InstalledCorpus(corpus, folder, index_path, version)


def _checkout_key() -> str:
    """One index per checkout: worktrees running different engine versions would otherwise keep
    rebuilding one shared index file, and their latencies would include the rebuilds."""
    checkout = Path(__file__).resolve().parents[2]
    return f"{checkout.name}-{hashlib.sha256(str(checkout).encode()).hexdigest()[:8]}"


def _download(corpus: Corpus, downloads: Path) -> Path:
    """The package's .deb in `downloads`: the pinned version when the archive still has it."""
    downloads.mkdir(parents=True, exist_ok=True)
    pinned = sorted(
        downloads.glob(f"{corpus.package}_{_deb_version(corpus.preferred_version)}_*.deb")
    )
    if pinned:
        return pinned[-1]
    before = set(downloads.glob(f"{corpus.package}_*.deb"))
    errors = []
    for wanted in (f"{corpus.package}={corpus.preferred_version}", corpus.package):
        done = subprocess.run(
            ["apt-get", "download", wanted], cwd=downloads, capture_output=True, text=True
        )
        if done.returncode == 0:
            break
        errors.append(f"apt-get download {wanted}: {done.stderr.strip()}")
    else:
        fallback = sorted(before)
        if fallback:
            return fallback[-1]
        raise CorpusSetupError(
            f"could not download the Debian package {corpus.package}. The harness needs apt "
            "(Debian or Ubuntu) with package lists (`sudo apt-get update` once).\n"
            + "\n".join(errors)
        )
    if wanted == corpus.package:
        print(
            f"note: {corpus.package} {corpus.preferred_version} is no longer in the archive; "
            "using the archive's version (the gold phrases are checked against it)"
        )
    found = sorted(set(downloads.glob(f"{corpus.package}_*.deb")) - before) or sorted(
        downloads.glob(f"{corpus.package}_*.deb")
    )
    if not found:
        raise CorpusSetupError(f"apt-get download {corpus.package} left no .deb in {downloads}")
    return found[-1]


def _deb_version(version: str) -> str:
    """A version as apt writes it in a file name (an epoch's colon becomes %3a)."""
    return version.replace(":", "%3a")


def _deb_field(deb: Path, field: str) -> str:
    return _run(["dpkg-deb", "-f", str(deb), field], what=f"reading {deb.name}").strip()


def _run(command: list[str], *, what: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise CorpusSetupError(f"{what}: {command[0]} is not installed ({exc})") from exc
    if done.returncode != 0:
        raise CorpusSetupError(f"{what} failed: {done.stderr.strip()}")
    return done.stdout


def _copy_subset(root: Path, include: tuple[str, ...], target: Path) -> None:
    if not root.is_dir():
        raise CorpusSetupError(f"the package has no {root.name} folder where the pages should be")
    target.mkdir(parents=True)
    for pattern in include:
        matches = sorted(root.glob(pattern))
        if not matches:
            raise CorpusSetupError(f"the package has nothing matching {pattern!r} under {root}")
        for source in matches:
            if source.is_dir():
                shutil.copytree(source, target / source.name, ignore=_not_html)
            elif source.suffix == ".html":
                shutil.copy2(source, target / source.name)


def _not_html(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".html") and not (Path(folder) / n).is_dir()]


def fingerprint(folder: Path) -> str:
    """A short hash of the corpus's page names and sizes (printed with the results)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.html")):
        digest.update(f"{path.relative_to(folder).as_posix()}\t{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:12]
