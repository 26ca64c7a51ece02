"""Articles in: one reader per source format, looked up lazily by file extension.

`READERS` maps an extension to `"module:function"`; a reader module is imported only when a file of
its format is read, so trafilatura loads only for HTML. A reader takes a `Path` and yields `Article`s
and, for input it cannot use, `LoadFailure`s (one per bad file or bad line) instead of raising, so a
batch goes on past a bad file and the caller reports each failure in one line (`str(failure)`).
Directories are walked recursively in sorted order; hidden names and unknown extensions in them
are skipped, while a file named explicitly with an unknown extension is a failure.
"""
from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.graph import Article
from loaders.sources.base import LoadFailure

__all__ = [
    "READERS",
    "LoadFailure",
    "Reader",
    "iter_articles",
    "load_articles",
    "read_path",
    "reader_for",
    "suffix_of",
]

Reader = Callable[[Path], Iterator[Article | LoadFailure]]

READERS: dict[str, str] = {
    ".txt": "loaders.sources.text:read_text",
    ".md": "loaders.sources.text:read_text",
    ".markdown": "loaders.sources.text:read_text",
    ".html": "loaders.sources.html_page:read_html",
    ".htm": "loaders.sources.html_page:read_html",
    ".json": "loaders.sources.json_document:read_json",
    ".json.gz": "loaders.sources.json_document:read_json",
    ".jsonl": "loaders.sources.json_lines:read_jsonl",
    ".jsonl.gz": "loaders.sources.json_lines:read_jsonl",
    ".ndjson": "loaders.sources.json_lines:read_jsonl",
}

_loaded: dict[str, Reader] = {}


def suffix_of(path: str | os.PathLike[str]) -> str | None:
    """The registered extension a file name ends with (longest first), or None.

    >>> suffix_of("corpus/news-en-2025.JSONL.gz"), suffix_of("notes.docx")
    ('.jsonl.gz', None)
    """
    name = os.fspath(path).lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None


def reader_for(path: str | os.PathLike[str]) -> Reader | None:
    """The reader registered for a file's extension, imported on first use; None if there is none."""
    suffix = suffix_of(path)
    if suffix is None:
        return None
    target = READERS[suffix]
    if target not in _loaded:
        module_name, _, function = target.partition(":")
        _loaded[target] = getattr(importlib.import_module(module_name), function)
    return _loaded[target]


def _read_file(path: Path, reader: Reader) -> Iterator[Article | LoadFailure]:
    """Run one reader, turning an OS error (unreadable, vanished...) into a failure. A pipe, device or
    socket is refused before it is opened: reading one may block forever or never end."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            yield LoadFailure(str(path), None, "not a regular file (a pipe, device or socket)")
            return
        yield from reader(path)
    except OSError as e:
        yield LoadFailure(str(path), None, f"cannot read: {e.strerror or e}")


def _listing(directory: Path, seen: set[tuple[int, int]]) -> list[os.DirEntry[str]] | LoadFailure | None:
    """A directory's entries sorted by name; None when it was walked already (by device and inode,
    so symlink loops end), a failure when it cannot be listed."""
    try:
        st = os.stat(directory)
        if (st.st_dev, st.st_ino) in seen:
            return None
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(directory) as it:
            return sorted(it, key=lambda entry: entry.name)
    except OSError as e:
        return LoadFailure(str(directory), None, f"cannot list directory: {e.strerror or e}")


def _walk(directory: Path) -> Iterator[Path | LoadFailure]:
    """Files of known formats under a directory, sorted, depth first; hidden names skipped.

    The walk keeps its own stack rather than recursing, so a tree of any depth is walked."""
    seen: set[tuple[int, int]] = set()
    top = _listing(directory, seen)
    if isinstance(top, LoadFailure):
        yield top
    stack = [iter(top)] if isinstance(top, list) else []
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            if suffix_of(entry.name) is not None:
                yield Path(entry.path)
            continue
        listing = _listing(Path(entry.path), seen)
        if isinstance(listing, LoadFailure):
            yield listing
        elif listing is not None:
            stack.append(iter(listing))


def read_path(path: str | os.PathLike[str]) -> Iterator[Article | LoadFailure]:
    """Articles (and failures) from one file, or from every known file under a directory."""
    p = Path(path)
    if p.is_dir():
        for item in _walk(p):
            if isinstance(item, LoadFailure):
                yield item
            else:
                reader = reader_for(item)
                if reader is not None:
                    yield from _read_file(item, reader)
        return
    if not p.exists():
        yield LoadFailure(str(p), None, "no such file or directory")
        return
    reader = reader_for(p)
    if reader is None:
        known = ", ".join(sorted(READERS))
        yield LoadFailure(str(p), None, f"unsupported file type (known: {known})")
        return
    yield from _read_file(p, reader)


def iter_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | LoadFailure]:
    """Articles (and failures) from several files or directories, in the order given."""
    for path in paths:
        yield from read_path(path)


def load_articles(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Article], list[LoadFailure]]:
    """All articles and all failures from several files or directories."""
    articles: list[Article] = []
    failures: list[LoadFailure] = []
    for item in iter_articles(paths):
        if isinstance(item, LoadFailure):
            failures.append(item)
        else:
            articles.append(item)
    return articles, failures
