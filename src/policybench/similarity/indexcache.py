"""The text index of a large dataset on disk: fitted once, read back on later runs.

Every similarity, alignment and assessment reads a :class:`~policybench.similarity.TextIndex`
fitted on all measures of the dataset (:func:`~policybench.similarity.alignment.fitted_index`).
For thousands of zones the fit costs seconds in every new process (a CLI call, a batch worker),
so from :data:`DISK_FROM_MEASURES` measures on the fitted index is kept in the cache folder, as
``text-index/<key>.npz`` written by :meth:`TextIndex.save` (arrays and JSON, no pickle). The key
hashes the file format, the policybench version, the index parameters and every measure's id
and text, so any change to the data or the code's version fits a new index; a file that does not
load (tampered, truncated, another format) or does not match its key is fitted again and
replaced. ``POLICYBENCH_NO_CACHE=1`` turns it off; a folder that cannot be written is skipped.
A loaded index gives the same numbers as the fitted one (the same arrays).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .._cachedir import cache_dir
from .._version import __version__
from ..errors import InputError

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .text import TextIndex

__all__ = ["DISK_FROM_MEASURES", "dataset_index", "index_path"]

#: From this many measures on, the fitted index is kept on disk (below, fitting takes well under a second).
DISK_FROM_MEASURES = 5_000
#: Subfolder of the cache folder.
SUBFOLDER = "text-index"


def _corpus(dataset: Dataset, lang: str) -> tuple[list[str], list[str]]:
    """Ids and texts (title + " " + summary in ``lang``) of every measure, in dataset order."""
    measures = [measure for _zone, measure in dataset.measures()]
    return [m.id for m in measures], [f"{m.title.get(lang)} {m.summary.get(lang)}" for m in measures]


def index_path(ids: list[str], texts: list[str], params: dict[str, object], folder: Path | None = None) -> Path:
    """Where the index of this corpus and these parameters is kept."""
    from ._tfidf import FORMAT_VERSION

    digest = hashlib.sha256()
    head = {"index-format": FORMAT_VERSION, "version": __version__, "params": params}
    digest.update(json.dumps(head, sort_keys=True, default=str).encode())
    for measure_id, text in zip(ids, texts, strict=True):
        digest.update(b"\0" + measure_id.encode() + b"\0" + text.encode())
    return (cache_dir() if folder is None else folder) / SUBFOLDER / f"{digest.hexdigest()[:24]}.npz"


def dataset_index(dataset: Dataset, lang: str) -> TextIndex:
    """The index of every measure of ``dataset`` in ``lang`` (character n-grams): from disk when kept there.

    The same index as ``TextIndex.from_dataset(dataset, lang=lang, segmenter=None)``.
    """
    from ..data.zonecache import cache_enabled
    from .text import TextIndex

    ids, texts = _corpus(dataset, lang)
    fresh = TextIndex(lang=lang, segmenter=None)
    if len(ids) < DISK_FROM_MEASURES or not cache_enabled():
        return fresh.fit(texts, ids)
    params = fresh.get_params()
    path = index_path(ids, texts, params)
    if path.is_file() and not path.is_symlink():
        try:
            kept = TextIndex.load(path)
        except InputError:
            kept = None  # unreadable or tampered: fitted again below, and replaced
        if kept is not None and kept.ids_ == tuple(ids) and kept.get_params() == params:
            return kept
    index = fresh.fit(texts, ids)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path)
    except (OSError, InputError):
        pass  # a cache folder that cannot be written: the index is still fitted
    return index
