"""``ClusterManager``: the domain API over the .NET ``Deror.Client.ClusterManager`` facade.

    from deror import ClusterManager
    cluster = ClusterManager("exo-cluster-01")
    cluster.health_check()                       # ClusterHealth(cluster_id=..., status='healthy', nodes=[...], ...)
    task = cluster.submit("echo", process=["echo", "hi"], max_attempts=3, timeout=60)
    task.wait(timeout=120).state                 # 'completed'
    await cluster.health_check_async()           # every call has an awaitable twin
"""

import datetime
import os

from . import _json, _native
from .client import connect
from .records import record, table

__all__ = ["ClusterManager", "Task", "table"]


def _seconds(value):
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(seconds=value)


class ClusterManager:
    """One Exo cluster managed by Deror. ``cluster_id`` defaults to ``DEROR_CLUSTER_ID``, else ``local`` (the
    cluster ``deror up`` starts); ``gateway`` or ``token`` (else ``DEROR_TOKEN``) connects first (see
    :func:`deror.connect`)."""

    def __init__(self, cluster_id=None, gateway=None, *, token=None, connect_timeout=None):
        self.cluster_id = cluster_id or os.environ.get("DEROR_CLUSTER_ID") or "local"
        if gateway is not None or token is not None:
            connect(gateway, self.cluster_id, token=token, connect_timeout=connect_timeout)

    def __repr__(self):
        return f"ClusterManager({self.cluster_id!r})"

    def _call(self, method, *args, **kwargs):
        return _native.manager_call(self.cluster_id, None, method, args, kwargs)

    async def _call_async(self, method, *args, **kwargs):
        return await _native.manager_call_async(self.cluster_id, None, method, args, kwargs)

    def health_check(self):
        """The cluster's health: status, reasons, and a summary per node."""
        return record("ClusterHealth", self._call("HealthCheck"))

    async def health_check_async(self):
        return record("ClusterHealth", await self._call_async("HealthCheck"))

    def nodes(self):
        return record("NodeInfo", self._call("GetNodes"))

    async def nodes_async(self):
        return record("NodeInfo", await self._call_async("GetNodes"))

    def node(self, name):
        """One node; :class:`deror.NotFoundError` if the cluster does not know it."""
        return record("NodeInfo", self._call("GetNode", name))

    def perform_maintenance(self, node=None, *, max_parallel=None, min_healthy=None):
        """Starts maintenance of ``node``, or of every node in turn; returns its status."""
        return record("MaintenanceStatus", self._call("PerformMaintenance", node, max_parallel, min_healthy))

    async def perform_maintenance_async(self, node=None, *, max_parallel=None, min_healthy=None):
        return record("MaintenanceStatus", await self._call_async("PerformMaintenance", node, max_parallel, min_healthy))

    def submit(self, name="", **spec):
        """Submits a task and returns its :class:`Task` (stored before this returns).

        Exactly one of ``process=["cmd", "arg", ...]`` (or a dict), ``container={"image": ..., "command": [...]}``,
        ``inference={"model": ..., "messages": [...]}`` or ``handler="name"`` (or ``{"name": ..., "arguments": {...}}``,
        the arguments any JSON-able value); options: ``run_at``
        (datetime), ``cron``, ``max_attempts``, ``retry_backoff`` and ``timeout`` (seconds or timedelta),
        ``idempotency_key``, ``deduplicate``, ``node``, ``resources``.
        """
        return Task(self, _native.manager_call(self.cluster_id, None, "Submit", (_spec(name, spec),), {})["id"])

    async def submit_async(self, name="", **spec):
        handle = await _native.manager_call_async(self.cluster_id, None, "Submit", (_spec(name, spec),), {})
        return Task(self, handle["id"])

    def tasks(self, state=None, *, offset=0, limit=100):
        """Tasks, newest first, optionally only those in ``state`` (``"running"``, ``"completed"``, ...)."""
        return record("TaskSummary", self._call("ListTasks", state, offset, limit)["items"])

    async def tasks_async(self, state=None, *, offset=0, limit=100):
        return record("TaskSummary", (await self._call_async("ListTasks", state, offset, limit))["items"])

    def task(self, task_id):
        return Task(self, task_id)


def _spec(name, spec):
    spec = dict(spec)
    kinds = [k for k in ("process", "container", "inference", "handler") if spec.get(k) is not None]
    if len(kinds) != 1:
        raise TypeError("submit() takes exactly one of process=, container=, inference= or handler=")
    kind = kinds[0]
    if kind == "process" and isinstance(spec["process"], (list, tuple)):
        command, *arguments = spec["process"]
        spec["process"] = {"command": command, "arguments": arguments}
    if kind == "handler":
        handler = {"name": spec["handler"]} if isinstance(spec["handler"], str) else dict(spec["handler"])
        # The spec carries a handler's arguments as JSON text: a dict, list or number is encoded here.
        if handler.get("arguments") is not None and not isinstance(handler["arguments"], str):
            handler["arguments"] = _json.dumps_value(handler["arguments"])
        spec["handler"] = handler
    for key in ("timeout", "retry_backoff"):
        if key in spec:
            spec[key] = _seconds(spec[key])
    spec.update(name=name or spec.get("name", ""), kind=kind)
    return spec


class Task:
    """A submitted task."""

    def __init__(self, cluster, task_id):
        self.cluster = cluster
        self.id = task_id

    def __repr__(self):
        return f"Task({self.id!r})"

    def _call(self, method, *args):
        return _native.manager_call(self.cluster.cluster_id, self.id, method, args, {})

    async def _call_async(self, method, *args):
        return await _native.manager_call_async(self.cluster.cluster_id, self.id, method, args, {})

    def info(self):
        """Its current state, outcome and history; :class:`deror.NotFoundError` for an unknown task."""
        return record("TaskInfo", self._call("GetInfo"))

    async def info_async(self):
        return record("TaskInfo", await self._call_async("GetInfo"))

    def wait(self, timeout=None):
        """Blocks until the task has finished (Ctrl-C cancels the wait, not the task); :class:`deror.TimeoutError`
        after ``timeout`` seconds."""
        return record("TaskInfo", self._call("Wait", _seconds(timeout)))

    async def wait_async(self, timeout=None):
        return record("TaskInfo", await self._call_async("Wait", _seconds(timeout)))

    def cancel(self, reason="cancelled by the user"):
        return record("TaskInfo", self._call("Cancel", reason))

    async def cancel_async(self, reason="cancelled by the user"):
        return record("TaskInfo", await self._call_async("Cancel", reason))

    def logs(self):
        return record("TaskLogs", self._call("GetLogs"))

    async def logs_async(self):
        return record("TaskLogs", await self._call_async("GetLogs"))
