"""A loaded rule base (and its compiled network) kept on disk, keyed by the workbooks' content, the engine's version
and source, and the motivation checker, so a CLI run skips reading the workbooks when nothing changed."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from engine.loader import MotivationChecker, content_hash, load_directory, workbook_paths
from engine.model import RuleBase

if TYPE_CHECKING:
    from engine.compiler import Network

CACHE_FORMAT = "2"  # raise when the stored layout changes


def default_cache_dir() -> Path:
    """The user's cache directory (XDG_CACHE_HOME, else ~/.cache), never the project tree."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "nareis"


@functools.cache
def engine_source_hash() -> str:
    """A digest of the engine's own source (its .py files and grammar): a cached rule base or network made by other
    code is never reused, even when the version number was not raised."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted([*root.glob("*.py"), *root.glob("*.lark")]):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def checker_name(check_motivation: MotivationChecker | None) -> str:
    """The name of a motivation checker in the cache key: its `cache_name`, else its module and qualified name."""
    if check_motivation is None:
        return "-"
    name = getattr(check_motivation, "cache_name", None)
    if isinstance(name, str):
        return name
    return f"{getattr(check_motivation, '__module__', '?')}.{getattr(check_motivation, '__qualname__', '?')}"


def cache_key(paths: list[Path], check_motivation: MotivationChecker | None = None) -> str:
    """The workbooks' content, the engine's version and source, and the motivation checker the rule base was
    verified with (a rule base loaded without the check is not reused where the check is asked for)."""
    digest = hashlib.sha256()
    parts = (CACHE_FORMAT, version("nareis"), engine_source_hash(), content_hash(paths), checker_name(check_motivation))
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load_cached(directory: Path, check_motivation: MotivationChecker | None, cache_dir: Path | None) -> RuleBase:
    """Load `directory`, from `cache_dir` when it holds this exact content (None: no cache).

    A cache file that is missing, damaged, stale or unreadable is rebuilt silently; a cache that cannot be written
    (a read-only home) is skipped. Loading problems are never cached: they are raised as from load_directory."""
    return load_compiled(directory, check_motivation, cache_dir)[0]


def load_compiled(
    directory: Path, check_motivation: MotivationChecker | None, cache_dir: Path | None
) -> tuple[RuleBase, Network | None]:
    """As load_cached, with the compiled network when the cache holds one (None: compile it yourself). A network
    that cannot be stored (one holding closures, say) is simply not stored."""
    paths = workbook_paths(directory) if directory.is_dir() else []
    if cache_dir is None or not paths:
        return load_directory(directory, check_motivation), None
    key = cache_key(paths, check_motivation)
    path = cache_dir / f"rulebase-{key[:40]}.pickle"
    cached = _read(path, key)
    if cached is not None:
        return cached
    rule_base = load_directory(directory, check_motivation)
    network = _compiled(rule_base)
    _write(path, key, rule_base, network)
    return rule_base, network


def _compiled(rule_base: RuleBase) -> Network | None:
    from engine.compiler import compile_network
    from engine.errors import NareisError

    try:
        return compile_network(rule_base)
    except NareisError:  # the caller compiles again and reports it where it always did
        return None


def _read(path: Path, key: str) -> tuple[RuleBase, Network | None] | None:
    enabled = gc.isenabled()
    gc.disable()  # unpickling ~100,000 small objects: collecting during it only costs time (half of it)
    try:
        with path.open("rb") as file:
            stored = pickle.load(file)  # our own file in the user's cache, written by _write
    except Exception:  # any damage (truncated, not a pickle, an older layout) means: rebuild
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(stored, tuple) or len(stored) != 3:
        return None
    stored_key, rule_base, network = stored
    if stored_key != key or not isinstance(rule_base, RuleBase):
        return None
    if network is not None and getattr(network, "rule_base", None) is not rule_base:
        network = None
    return rule_base, network


def _write(path: Path, key: str, rule_base: RuleBase, network: Network | None) -> None:
    try:
        content = pickle.dumps((key, rule_base, network), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # the network cannot be pickled: store the rule base alone
        try:
            content = pickle.dumps((key, rule_base, None), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as file:
            file.write(content)
        os.replace(file.name, path)
    except OSError:
        return
