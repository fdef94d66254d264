"""Drive a Deror cluster from Python.

This package lives inside ``deror-py``, the .NET host that embeds this interpreter: calls go through the
host's .NET Deror client with the GIL released, so other Python threads keep running, and Ctrl-C (or a
Jupyter interrupt) cancels a call within about a second.

    import deror
    deror.connect("127.0.0.1:30000")            # optional: DEROR_GATEWAY / DEROR_CLUSTER_ID, else the local cluster
    greeter = deror.grain("IHelloGrain", "world")
    greeter.say_hello("me")                      # {'text': 'Hello, me! ...', 'count': 1, 'at': '...'}
    await greeter.say_hello.call_async("me")     # in a notebook or coroutine

    cluster = deror.ClusterManager("exo-cluster-01")   # the domain API: health, nodes, maintenance, tasks
    cluster.health_check()

    @deror.task("resize")                        # a handler a silo runs for handler tasks (see deror.tasks)
    def resize(width, height): ...

Failures raise :class:`DerorError` subclasses carrying the .NET message.
"""

from .client import connect, disconnect, interfaces
from .cluster import ClusterManager, Task
from .errors import (
    ConnectionError,
    DerorError,
    InvalidArgumentError,
    InvalidStateError,
    NotFoundError,
    TimeoutError,
)
from .grains import Grain, GrainMethod, grain
from .records import table
from .tasks import task

__all__ = [
    "ClusterManager",
    "Task",
    "ConnectionError",
    "DerorError",
    "Grain",
    "GrainMethod",
    "InvalidArgumentError",
    "InvalidStateError",
    "NotFoundError",
    "TimeoutError",
    "connect",
    "disconnect",
    "grain",
    "interfaces",
    "table",
    "task",
]
