"""A per-user disk cache of checked rule files, so ``tempaid rules …`` starts in milliseconds.

Parsing and checking the YAML of a rules directory is nearly all of a command's start-up (about a
quarter of a second for the shipped rules, against 3 ms when every file's result is known). The
loader already keeps each file's result keyed by the sha256 of its content (the ``cache`` of
:func:`~app.rules.loader.check_directory`); this module keeps that mapping between runs, in
``$TEMPAID_CACHE_DIR`` (default ``$XDG_CACHE_HOME/tempaid``, else ``~/.cache/tempaid``).

Never stale: an entry is used only for the very bytes it was computed from, and the file name carries
a hash of the engine's own source (a new schema never reads an old result). Never trusted blindly: the
cache is a pickle, so it is read only from a directory and a file owned by the current user and
writable by nobody else, and written atomically (temporary file, then rename). Anything wrong — no
home, a read-only disk, a damaged file — and the command simply checks the files again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    explicit = os.environ.get("TEMPAID_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tempaid"


def engine_version() -> str:
    """A hash of the engine's source files: results checked by other code are not reused."""
    digest = hashlib.sha256()
    for path in sorted(ENGINE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_file() -> Path:
    return cache_dir() / f"rules-check-{engine_version()}.pickle"


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else (so no one else can plant a pickle)."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read() -> dict:
    """The cached ``{relpath: ((sha256, role), result)}``, or an empty mapping."""
    try:
        path = cache_file()
        if not (_private(path.parent) and _private(path)):
            return {}
        with path.open("rb") as handle:
            found = pickle.load(handle)
        return found if isinstance(found, dict) else {}
    except Exception:  # noqa: BLE001 - a missing, foreign or damaged cache only costs a re-check
        return {}


def write(cache: dict) -> None:
    """Store ``cache`` (atomically); a directory that cannot be written is silently skipped."""
    try:
        path = cache_file()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent):
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rules-check-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(cache, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception:  # noqa: BLE001 - the cache is an optimisation, never a reason to fail
        return


def check_directory_cached(rules_dir):
    """:func:`~app.rules.loader.check_directory` with the disk cache; the cache is rewritten only
    when a file was checked anew, and keeps only the entries of this directory's files."""
    from app.rules.loader import check_directory

    cache = read()
    before = {rel: entry[0] for rel, entry in cache.items()}
    rules, faults = check_directory(rules_dir, cache)
    if {rel: entry[0] for rel, entry in cache.items()} != before:
        write(cache)
    return rules, faults
