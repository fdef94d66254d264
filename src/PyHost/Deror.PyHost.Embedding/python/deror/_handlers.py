"""The silo's side of ``@deror.task`` handlers: loads the handler files and runs one handler per call.

The host calls :func:`run` on a thread of its own for each task, so several handlers run at once and share the
GIL as Python threads do. What a handler's thread prints goes to its task's log as it is printed (``_deror.task_log``),
where the silo keeps the newest part: nothing accumulates in Python.
"""

import asyncio
import importlib.util
import io
import json
import os
import sys
import threading
import traceback

import _deror

from . import _json, tasks

_captured = threading.local()


class _ThreadOutput(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` in a silo: a handler's thread writes into its task's log, others pass through."""

    def __init__(self, stream):
        self._stream = stream

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", "utf-8")

    def writable(self):
        return True

    def write(self, text):
        if not getattr(_captured, "active", False):
            return self._stream.write(text)
        _deror.task_log(text)
        return len(text)

    def flush(self):
        if not getattr(_captured, "active", False):
            self._stream.flush()


def load(*paths):
    """Imports each handler file; returns JSON ``{"handlers": [names]}`` or ``{"error": traceback}``."""
    try:
        for path in paths:
            _import(path)
        if not isinstance(sys.stdout, _ThreadOutput):
            sys.stdout, sys.stderr = _ThreadOutput(sys.stdout), _ThreadOutput(sys.stderr)
        return json.dumps({"handlers": tasks.handlers()})
    except BaseException:
        return json.dumps({"error": traceback.format_exc()})


def _import(path):
    path = os.path.abspath(path)
    name = os.path.splitext(os.path.basename(path))[0]
    if name in sys.modules:
        raise ImportError(f"{path}: a module named {name!r} is already loaded; rename the handler file")
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


def run(name, arguments):
    """Runs handler ``name`` with JSON ``arguments`` (or None): ``(True, result_json)`` or ``(False, error)``."""
    _captured.active = True
    try:
        handler = tasks._handlers[name]
        value = json.loads(arguments) if arguments is not None else None
        if isinstance(value, dict):
            result = handler(**value)
        elif isinstance(value, list):
            result = handler(*value)
        elif value is None:
            result = handler()
        else:
            result = handler(value)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return True, _json.dumps_value(result)
    except BaseException as error:  # KeyboardInterrupt too: the host interrupts a cancelled handler with it
        _deror.task_log(traceback.format_exc())
        return False, "".join(traceback.format_exception_only(type(error), error)).strip()
    finally:
        _captured.active = False
