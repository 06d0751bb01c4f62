"""A loaded rule base kept on disk, keyed by the workbooks' content and the engine's version, so a CLI run skips
reading the workbooks when nothing changed."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from importlib.metadata import version
from pathlib import Path

from engine.loader import MotivationChecker, content_hash, load_directory, workbook_paths
from engine.model import RuleBase

CACHE_FORMAT = "1"  # raise when RuleBase changes shape without a version change


def default_cache_dir() -> Path:
    """The user's cache directory (XDG_CACHE_HOME, else ~/.cache), never the project tree."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "nareis"


def cache_key(paths: list[Path], check_motivation: MotivationChecker | None = None) -> str:
    """The workbooks' content, the engine's version and the motivation checker the rule base was verified with (a
    rule base loaded without the check is not reused where the check is asked for)."""
    checker = "-" if check_motivation is None else f"{check_motivation.__module__}.{check_motivation.__qualname__}"
    digest = hashlib.sha256()
    for part in (CACHE_FORMAT, version("nareis"), content_hash(paths), checker):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load_cached(
    directory: Path,
    check_motivation: MotivationChecker | None,
    cache_dir: Path | None,
) -> RuleBase:
    """Load `directory`, from `cache_dir` when it holds this exact content (None: no cache).

    A cache file that is missing, damaged, stale or unreadable is rebuilt silently; a cache that cannot be written
    (a read-only home) is skipped. Loading problems are never cached: they are raised as from load_directory."""
    paths = workbook_paths(directory) if directory.is_dir() else []
    if cache_dir is None or not paths:
        return load_directory(directory, check_motivation)
    key = cache_key(paths, check_motivation)
    path = cache_dir / f"rulebase-{key[:40]}.pickle"
    cached = _read(path, key)
    if cached is not None:
        return cached
    rule_base = load_directory(directory, check_motivation)
    _write(path, key, rule_base)
    return rule_base


def _read(path: Path, key: str) -> RuleBase | None:
    try:
        with path.open("rb") as file:
            stored_key, rule_base = pickle.load(file)  # our own file in the user's cache, written by _write
    except Exception:  # any damage (truncated, not a pickle, an older layout) means: rebuild
        return None
    if stored_key != key or not isinstance(rule_base, RuleBase):
        return None
    return rule_base


def _write(path: Path, key: str, rule_base: RuleBase) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as file:
            pickle.dump((key, rule_base), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
    except OSError:
        return
