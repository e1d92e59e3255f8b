"""The corpus folder on disk: the files it holds, read safely, and where its index lives.

A symbolic link counts only when it points inside the folder, and a file is
checked again as it is opened, so a link swapped in after the scan cannot
expose a file elsewhere. The index file lives outside the folder
(`default_index_path`), so indexing never writes into a person's documents.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISLNK, S_ISREG

from answers.backends.corpus.documents import FORMATS

__all__ = [
    "ScannedFile",
    "cache_home",
    "default_index_path",
    "read_inside",
    "resolve_index_path",
    "scan_folder",
]


def cache_home() -> Path:
    """`$XDG_CACHE_HOME` when it is an absolute path, else `~/.cache`."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"


def default_index_path(folder: Path) -> Path:
    """`<cache home>/factbot/corpus-<hash of the folder's absolute path>.sqlite3`: outside the
    folder, so indexing never writes into a person's documents."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache_home() / "factbot" / f"corpus-{key}.sqlite3"


def resolve_index_path(folder: Path, index_path: Path | None) -> Path:
    """The index file: the default, a file inside `index_path` if it is a folder, else itself."""
    if index_path is None:
        return default_index_path(folder)
    if index_path.is_dir():
        return index_path / default_index_path(folder).name
    return index_path


@dataclass(frozen=True)
class ScannedFile:
    path: str  # relative to the folder, forward slashes
    absolute: Path  # the file read: the link's target for a link inside the folder
    size: int
    mtime_ns: int
    skipped: str = ""  # why it is listed but never read (a link factbot does not follow)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def scan_folder(folder: Path) -> list[ScannedFile]:
    """Every .md, .txt and .html file under `folder` (hidden files and folders skipped), sorted.

    A symbolic link counts only when it points inside the folder: a link to a file elsewhere
    (`notes.md -> ~/.ssh/id_rsa`) must not put that file in answers. Links to folders are not
    followed at all (`os.walk`'s default). Links that are not read are listed with `skipped`
    saying why, so `factbot index` can show them."""
    found: list[ScannedFile] = []
    real_folder = folder.resolve()
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and d != "__pycache__")
        for name in dirs:
            if (Path(root) / name).is_symlink():
                relative = (Path(root) / name).relative_to(folder).as_posix() + "/"
                note = "a link to a folder (links to folders are not followed)"
                found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
        for name in sorted(names):
            if _is_hidden(name) or Path(name).suffix.lower() not in FORMATS:
                continue
            absolute = Path(root) / name
            relative = absolute.relative_to(folder).as_posix()
            try:
                stat = absolute.lstat()
                if S_ISLNK(stat.st_mode):
                    absolute = absolute.resolve(strict=True)
                    if not absolute.is_relative_to(real_folder):
                        note = "a link to a file outside the folder (not followed)"
                        found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                        continue
                    stat = absolute.stat()
            except FileNotFoundError:  # a broken link, or a file gone since the walk
                if (Path(root) / name).is_symlink():
                    note = "a broken link"
                    found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                continue
            except (OSError, RuntimeError):  # a loop of links
                note = "a link that cannot be followed (a loop of links?)"
                found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                continue
            if not S_ISREG(stat.st_mode):
                continue
            found.append(ScannedFile(relative, absolute, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda f: f.path)
    return found


def read_inside(folder: Path, path: Path, *, limit: int) -> bytes:
    """The bytes of `path`, a regular file that is really inside `folder`; raises OSError.

    Checked on the file as opened, not on its name, so a file swapped for a symbolic link (or a
    folder swapped for one) between the scan and this read cannot expose a file elsewhere: the
    last name is opened without following links, and the opened file's own path must still lie
    inside the folder. More than `limit` bytes raises too (the file grew since the scan)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as opened:
        if not S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        if not _opened_path(fd, path).is_relative_to(folder.resolve()):
            raise OSError(0, "outside the folder")
        raw = opened.read(limit + 1)
    if len(raw) > limit:
        raise OSError(0, f"larger than {limit} bytes")
    return raw


def _opened_path(fd: int, path: Path) -> Path:
    """The path of the file `fd` is open on (Linux's /proc; elsewhere the name, re-resolved and
    checked to be the same file)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        resolved = path.resolve(strict=True)
        opened, named = os.fstat(fd), os.stat(resolved)
        if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            raise OSError(0, "the file changed while it was opened") from None
        return resolved
