"""The worker processes of parallel typesetting: the pool, its start-up, and each worker's style cache."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from .typesetting import StyleCache

JOBS_PER_WORKER = 40            # then a fresh process: what a worker's heap grew to goes back


WORKER_CACHE: StyleCache | None = None     # set in worker processes only (see worker_init)


def worker_init(temp: str) -> None:
    """Set up a worker process of ``worker_pool``: WeasyPrint's boxes stay alive until a part is
    written, so the cyclic garbage collector only costs time (~15% of a layout); it runs once
    between parts instead. Temp files (the fonts WeasyPrint installs) go to ``temp``, which the
    parent removes: workers end through ``os._exit`` and clean nothing up."""
    import gc
    import tempfile

    global WORKER_CACHE
    gc.disable()
    tempfile.tempdir = temp
    WORKER_CACHE = StyleCache(())


def worker_cache(allowed: tuple[Path, ...]) -> StyleCache | None:
    """This worker's style cache for ``allowed`` (None in the main process); collects the garbage
    the previous part left."""
    global WORKER_CACHE
    if WORKER_CACHE is None:
        return None
    import gc

    gc.collect()
    if WORKER_CACHE.allowed != allowed:
        WORKER_CACHE = StyleCache(allowed)
    return WORKER_CACHE


def start_worker_server():
    """The multiprocessing context for the workers. Where there is a fork server (Linux, macOS),
    start it now: workers fork from it with WeasyPrint already imported, and it imports
    WeasyPrint (~1 s) while this process is still loading the course and writing the HTML.
    Starting it twice is harmless."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    import multiprocessing.forkserver

    context = multiprocessing.get_context("forkserver")
    # the engine's module: it imports every function a worker runs
    context.set_forkserver_preload(["weasyprint", f"{__package__}.parallel"])
    multiprocessing.forkserver.ensure_running()
    return context


class WorkersLost(Exception):
    """A worker process ended without giving its answer (killed, out of memory, failed to start):
    the book is then typeset in one process instead of waiting for an answer that cannot come."""


@contextlib.contextmanager
def worker_pool(workers: int):
    """``workers`` processes for one book, kept for all its passes; None for one worker (the
    parts are then typeset in this process). A ``concurrent.futures`` pool, not a
    ``multiprocessing.Pool``: when a worker dies, the former fails the jobs still out
    (``WorkersLost`` from ``run_jobs``) where the latter waits for them for ever."""
    if workers <= 1:
        yield None
        return
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    context = start_worker_server()
    temp = tempfile.mkdtemp(prefix="coursepack-handbook-")
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init, initargs=(temp,),
                                 max_tasks_per_child=JOBS_PER_WORKER) as pool:
            yield pool
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def run_jobs(function, jobs: list, pool, size) -> list:
    """``function`` over ``jobs`` in the pool's workers (or here, without a pool), biggest first,
    results in the order of ``jobs``; ``WorkersLost`` when a worker ends without its answer."""
    if pool is None:
        return [function(job) for job in jobs]
    from concurrent.futures.process import BrokenProcessPool

    order = sorted(range(len(jobs)), key=lambda i: -size(jobs[i]))
    try:
        done = list(pool.map(function, [jobs[i] for i in order], chunksize=1))
    except BrokenProcessPool as exc:
        raise WorkersLost(str(exc)) from exc
    results: list = [None] * len(jobs)
    for i, result in zip(order, done):
        results[i] = result
    return results
