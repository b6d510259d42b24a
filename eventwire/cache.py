"""The cache directory: files derived from installed packages on first use (the gazetteer's
index, the language model's arrays), each under a name keyed by what it is derived from."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def cache_dir() -> Path:
    """`$EVENTWIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/eventwire`, else `~/.cache/eventwire`."""
    env = os.environ.get("EVENTWIRE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "eventwire"


def write_into_place(path: Path, write: Callable[[Path], None]) -> None:
    """`write(tmp)` a temporary file beside `path`, then rename it to `path`: a reader sees
    the whole file or none."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep other users' processes out
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
