"""The trained draft model on disk: built once, read back in milliseconds, rebuilt when anything changes.

A model is two files in the cache folder, ``<key>.json`` (codes, labels, vocabulary, parameters)
and ``<key>.npz`` (idf, coefficients, intercepts; read with ``allow_pickle=False``). The key is a
hash of the model format, the policybench version, the training data (the bytes of the shipped
codebook, zone files, non-measure sentences and gold examples, or the data hash of a dataset given in memory)
and the fitting parameters, so a new data version or a changed file builds a new model. A file
that cannot be read, or does not match its key, is rebuilt; a cache folder that cannot be
written is skipped. The folder is ``$POLICYBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policybench``,
else ``~/.cache/policybench``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._cachedir import cache_dir
from .._version import __version__
from .classify import EXAMPLES_FILE, NGRAMS, NONMEASURES_FILE, Block, CategoryClassifier

if TYPE_CHECKING:
    from ..data.dataset import Dataset

__all__ = ["cache_dir", "cached_classifier", "load_model", "save_model"]

FORMAT = 1


def _shipped_fingerprint() -> str:
    """Hash of the shipped codebook and zone files' bytes (no parsing: fast)."""
    from ..data.io import shipped_data_dir

    root = shipped_data_dir()
    digest = hashlib.sha256()
    files = [root / "codebook.yaml", root / "VERSION", *sorted((root / "zones").glob("*.yaml"))]
    for file in files:
        if file.is_file():
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def model_key(data_id: str, params: dict[str, Any]) -> str:
    """Cache key of a model: format, version, training data and parameters."""
    blob = json.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "data": data_id,
            "nonmeasures": hashlib.sha256(NONMEASURES_FILE.read_bytes()).hexdigest(),
            "examples": hashlib.sha256(EXAMPLES_FILE.read_bytes()).hexdigest(),
            "params": params,
            "ngrams": list(NGRAMS),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def save_model(model: CategoryClassifier, folder: Path, key: str) -> None:
    """Write ``model`` as ``<key>.json`` + ``<key>.npz`` (atomic renames; errors of the disk are ignored)."""
    import numpy as np

    meta = {
        "format": FORMAT,
        "key": key,
        "codes": list(model.codes),
        "segmenter": model.segmenter,
        "temperature": model.temperature,
        "excluded_zones": list(model.excluded_zones),
        "n_examples": model.n_examples,
        "labels": model.labels,
        "data_hash": model.data_hash,
        "vocabularies": [sorted(b.vocabulary, key=b.vocabulary.__getitem__) for b in model.blocks],
    }
    arrays: dict[str, Any] = {"coef": model.coef, "intercept": model.intercept}
    arrays |= {f"idf{n}": b.idf for n, b in enumerate(model.blocks)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, write in (
            (".npz", lambda f: np.savez_compressed(f, **arrays)),
            (".json", lambda f: f.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))),
        ):
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.replace(tmp, folder / f"{key}{suffix}")
    except OSError:
        return


def load_model(folder: Path, key: str) -> CategoryClassifier | None:
    """The model cached under ``key``, or None when missing, unreadable or inconsistent."""
    import numpy as np

    try:
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        with open(folder / f"{key}.npz", "rb") as handle, np.load(handle, allow_pickle=False) as npz:
            coef, intercept = npz["coef"], npz["intercept"]
            vocabularies = meta["vocabularies"]
            idfs = [npz[f"idf{n}"] for n in range(len(vocabularies))]
        codes = tuple(str(c) for c in meta["codes"])
        blocks = tuple(
            Block({str(t): j for j, t in enumerate(v)}, np.asarray(idf, dtype=np.float64))
            for v, idf in zip(vocabularies, idfs, strict=True)
        )
        width = sum(len(b.vocabulary) for b in blocks)
        consistent = (
            meta["format"] == FORMAT
            and meta["key"] == key
            and coef.dtype == np.float32
            and coef.shape == (len(codes), width)
            and intercept.shape == (len(codes),)
            and all(b.idf.shape == (len(b.vocabulary),) for b in blocks)
            and all(len(b.vocabulary) == len(v) for b, v in zip(blocks, vocabularies, strict=True))
            and bool(np.isfinite(coef).all() and np.isfinite(intercept).all())
            and float(meta["temperature"]) > 0
        )
        if not consistent:
            return None
        return CategoryClassifier(
            codes=codes,
            segmenter=meta["segmenter"],
            temperature=float(meta["temperature"]),
            excluded_zones=tuple(str(z) for z in meta["excluded_zones"]),
            n_examples=int(meta["n_examples"]),
            blocks=blocks,
            coef=coef,
            intercept=np.asarray(intercept, dtype=np.float64),
            labels={str(k): str(v) for k, v in dict(meta["labels"]).items()},
            data_hash=str(meta["data_hash"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return None
    except Exception:  # a damaged npz can raise zipfile or numpy errors of its own: rebuild, never crash
        return None


def cached_classifier(
    dataset: Dataset | None = None,
    *,
    exclude_zones: Sequence[str] = (),
    segmenter: str | None = None,
    folder: Path | None = None,
) -> CategoryClassifier:
    """The draft classifier for ``dataset`` (None: the shipped data), from the cache or fitted and cached.

    With the shipped data and a cached model, nothing is parsed: the key comes from the files'
    bytes, so a warm draft does not load the dataset.
    """
    from .classify import fit_classifier

    params = {"exclude": sorted(exclude_zones), "segmenter": segmenter, "c": 1.0, "folds": 4}
    data_id = "shipped:" + _shipped_fingerprint() if dataset is None else "dataset:" + dataset.data_hash()
    key = model_key(data_id, params)
    where = folder or cache_dir()
    model = load_model(where, key)
    if model is not None:
        return model
    if dataset is None:
        from ..data.dataset import load_dataset

        dataset = load_dataset()
    model = fit_classifier(dataset, exclude_zones=exclude_zones, segmenter=segmenter)
    save_model(model, where, key)
    return model
