"""Connect to a dask.distributed cluster for batch runs and neighbour searches (dask is optional).

Examples
--------
Start a scheduler and workers on the cluster's machines::

    dask scheduler                       # prints tcp://HOST:8786
    dask worker tcp://HOST:8786          # on every worker machine (policybench installed)

then ``policybench batch jobs.yaml --scheduler tcp://HOST:8786``, or in Python
``with dask_client("tcp://HOST:8786") as client: index.neighbours(10, client=client)``.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

from .errors import PolicyBenchError

__all__ = ["DaskUnavailableError", "dask_client"]


class DaskUnavailableError(PolicyBenchError):
    """dask.distributed is not installed, or the scheduler cannot be reached."""


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, local_workers: int | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``scheduler`` or for a new LocalCluster; closed on exit.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    local_workers : int, optional
        Without ``scheduler``: start a LocalCluster of this many worker processes (one
        thread each) on this machine, for the duration of the block.

    Raises
    ------
    DaskUnavailableError
        When dask.distributed is not installed or the scheduler does not answer.
    """
    if (scheduler is None) == (local_workers is None):
        raise PolicyBenchError("dask_client needs exactly one of 'scheduler' and 'local_workers'.")
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise DaskUnavailableError("running on Dask needs dask.distributed: pip install 'policybench[dask]'") from exc
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailableError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    if not isinstance(local_workers, int) or isinstance(local_workers, bool) or local_workers < 1:
        raise PolicyBenchError(
            f"The 'local_workers' parameter of dask_client must be a positive int. Got {local_workers!r} instead."
        )
    cluster = distributed.LocalCluster(
        n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    with cluster, distributed.Client(cluster) as client:
        yield client
