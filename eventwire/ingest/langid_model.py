"""py3langid's language model, unpacked once into the cache directory and memory-mapped."""
from __future__ import annotations

import hashlib
import io
import json
import lzma
import mmap
from pathlib import Path
from typing import Any

import numpy

from ..cache import cache_dir, write_into_place

# py3langid ships its model LZMA-compressed, and unpacking it cost every process that met a
# text short of English function words 0.7 CPU-s and 50 MB. Its arrays are unpacked once into
# the cache directory as one flat file, memory-mapped after: a process reads only the pages
# of the n-grams its texts have. Same arrays, same arithmetic: the same decisions.
MODEL_FORMAT = 1
ALIGN = 64  # bytes: each array starts at a multiple, as numpy's own files align theirs


def identifier() -> Any:
    """py3langid's identifier (probabilities normalised) over the memory-mapped arrays."""
    from py3langid.langid import LanguageIdentifier

    arrays, classes = _model_arrays()
    # the stdlib arrays and lists py3langid makes of these, as views: indexing them gives
    # the same ints
    return LanguageIdentifier(arrays["ptc"], arrays["pc"], classes, memoryview(arrays["nextmove"]),
                              memoryview(arrays["out_feat"]), norm_probs=True,
                              tk_row=memoryview(arrays["nextmove_row"]))


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def _model_arrays() -> tuple[dict[str, numpy.ndarray], list[str]]:
    """The model's arrays, memory-mapped from the cache file (written first if missing), or
    read from the package when the cache directory cannot be written."""
    source = _model_file()
    data = source.read_bytes()
    key = hashlib.sha256(f"{MODEL_FORMAT} ".encode() + data).hexdigest()[:16]
    path = cache_dir() / f"langid-{key}.bin"
    try:
        return _mapped(path)
    except (OSError, ValueError):
        pass
    arrays = _unpacked(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_into_place(path, lambda tmp: _write(tmp, arrays))
        return _mapped(path)
    except OSError:
        classes = arrays.pop("classes").tolist()
        return arrays, classes


def _unpacked(data: bytes) -> dict[str, numpy.ndarray]:
    """The arrays of py3langid's model file (an .npz inside LZMA)."""
    with numpy.load(io.BytesIO(lzma.decompress(data)), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def _write(path: Path, arrays: dict[str, numpy.ndarray]) -> None:
    """A JSON header (its length first, 8 bytes) naming each array's dtype, shape and offset,
    then the arrays; the class labels in the header."""
    layout, offset, body = [], 0, []
    for name, a in arrays.items():
        if name == "classes":
            continue
        a = numpy.ascontiguousarray(a)
        layout.append([name, a.dtype.str, list(a.shape), offset])
        body.append((offset, a.tobytes()))
        offset += -(-a.nbytes // ALIGN) * ALIGN
    header = json.dumps({"classes": arrays["classes"].tolist(), "arrays": layout, "size": offset}).encode()
    start = -(-(8 + len(header)) // ALIGN) * ALIGN
    with open(path, "wb") as fh:
        fh.write(len(header).to_bytes(8, "little") + header)
        for at, raw in body:
            fh.seek(start + at)
            fh.write(raw)
        fh.truncate(start + offset)


def _mapped(path: Path) -> tuple[dict[str, numpy.ndarray], list[str]]:
    """The arrays `_write` wrote, as read-only views of the file mapped into memory."""
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    n = int.from_bytes(mapped[:8], "little")
    header = json.loads(mapped[8:8 + n])
    start = -(-(8 + n) // ALIGN) * ALIGN
    if len(mapped) != start + header["size"]:
        raise ValueError(f"{path}: truncated")
    arrays = {name: numpy.frombuffer(mapped, dtype, int(numpy.prod(shape)), start + offset).reshape(shape)
              for name, dtype, shape, offset in header["arrays"]}
    return arrays, header["classes"]
