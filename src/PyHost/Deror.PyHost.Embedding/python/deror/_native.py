"""Bridges native calls to Python: blocking, or awaitable on the running asyncio loop."""

import asyncio

import _deror

from . import _json


def call(interface, key, method, args, kwargs, timeout):
    result = _deror.call(interface, key, method, _json.dumps_arguments(args, kwargs), timeout)
    # Integer, boolean and None results come back as themselves; anything else as JSON text.
    return _json.loads(result) if result.__class__ is str else result


async def call_async(interface, key, method, args, kwargs, timeout):
    return await _awaitable(_deror.call_async, interface, key, method, _json.dumps_arguments(args, kwargs), timeout)


def manager_call(cluster_id, task_id, method, args, kwargs, timeout=None):
    return _json.loads(_deror.manager_call(cluster_id, task_id, method, _json.dumps_arguments(args, kwargs), timeout))


async def manager_call_async(cluster_id, task_id, method, args, kwargs, timeout=None):
    return await _awaitable(_deror.manager_call_async, cluster_id, task_id, method, _json.dumps_arguments(args, kwargs), timeout)


async def _awaitable(start, *args):
    """Starts a native call that reports back on a .NET thread; awaits it on the running loop."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def completed(result, error):  # runs on a .NET thread, with the GIL
        try:
            loop.call_soon_threadsafe(_settle, future, result, error)
        except RuntimeError:
            pass  # the loop has closed; nobody waits any more

    handle = start(*args, completed)
    try:
        return await future
    except asyncio.CancelledError:
        _deror.cancel(handle)
        raise


def _settle(future, result, error):
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(_json.loads(result))
