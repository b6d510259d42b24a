"""Extraction on a Dask cluster: each worker loads the pipeline once (`PipelinePlugin`), tasks
take partitions of documents read lazily by the client, and their records come back to the
client, the one writer of the store (`eventwire.core.run`)."""
from __future__ import annotations

import os

from distributed import Client, WorkerPlugin, get_worker

from .ingest import IngestError
from .models import Document, DocumentRecord

PLUGIN = "eventwire-pipeline"
WORKER_WAIT = 60  # seconds a run waits for a first worker to join an empty cluster


class PipelinePlugin(WorkerPlugin):
    """Loads the pipeline when a worker starts (or joins later), once for all its tasks.

    Carries the client's EVENTWIRE_* limits, so that workers started elsewhere (`dask worker`)
    apply the `--limit`s of the run."""

    name = PLUGIN

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.environ = {k: v for k, v in (os.environ if environ is None else environ).items()
                        if k.startswith("EVENTWIRE_")}
        self.nlp = None

    def setup(self, worker) -> None:
        from .nlp import load_nlp

        os.environ.update(self.environ)
        self.nlp = load_nlp()


def extract_partition(documents: list[Document]) -> tuple[list[DocumentRecord], list[IngestError]]:
    """The task: records of a partition, extracted with the worker's pipeline."""
    from .core import extract_batch

    plugin = get_worker().plugins.get(PLUGIN)
    return extract_batch(documents, getattr(plugin, "nlp", None))


def prepare(client: Client, timeout: float = WORKER_WAIT) -> int:
    """Install the plugin on the cluster (each worker loads the pipeline now, in parallel) and
    return how many tasks the cluster runs at once, waiting up to `timeout` seconds for a first one.

    Installs it once per client and environment: registering it again would make every worker
    drop its loaded pipeline and load it anew (the CLI prepares before `run`, which prepares too)."""
    client.wait_for_workers(1, timeout=timeout)
    plugin = PipelinePlugin()
    if _PREPARED.get(client.id) != plugin.environ:
        client.register_plugin(plugin)
        _PREPARED[client.id] = plugin.environ
    return max(1, sum(client.nthreads().values()))


_PREPARED: dict[str, dict[str, str]] = {}  # client id -> the environment its workers were given
