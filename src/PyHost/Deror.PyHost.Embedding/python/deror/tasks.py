"""Task handlers written in Python.

    import deror

    @deror.task("resize")
    def resize(width, height):
        return {"pixels": width * height}

A silo whose ``Deror:PyHost:Handlers`` names this file runs ``resize`` for handler tasks named ``resize``
(``cluster.submit("r", handler={"name": "resize", "arguments": {"width": 2, "height": 3}})``). A JSON object
binds to keyword parameters, an array to positional ones, any other value is the one argument, and no arguments
call the function without any. The return value (JSON-able) is the task's result; an exception fails the task
with its traceback in the task's logs, and what the handler prints goes there too. ``async def`` handlers work.
"""

__all__ = ["handlers", "task"]

_handlers = {}


def task(name):
    """Registers the decorated function as the handler of tasks named ``name``."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a task handler needs a non-empty name, e.g. @deror.task('resize')")

    def register(function):
        if not callable(function):
            raise TypeError(f"@deror.task({name!r}) decorates a function, not {type(function).__name__}")
        existing = _handlers.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"task handler {name!r} is already registered by {_describe(existing)}")
        _handlers[name] = function
        return function

    return register


def handlers():
    """The names of the registered handlers, sorted."""
    return sorted(_handlers)


def _describe(function):
    code = getattr(function, "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return f"{getattr(function, '__qualname__', repr(function))}{where}"
