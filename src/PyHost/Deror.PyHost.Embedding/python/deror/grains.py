"""The escape hatch: call any grain method by name, ``deror.grain("IHelloGrain", "world").say_hello("me")``."""

from . import _native


def grain(interface, key):
    """A reference to the grain ``key`` behind ``interface`` (simple or full .NET name, see
    :func:`deror.interfaces`). Keys are strings, UUIDs or integers, as the interface declares."""
    return Grain(interface, key)


class Grain:
    """A grain reference. Methods are called by their .NET name or its snake_case form; arguments and results
    travel as JSON (results come back as dicts and lists with snake_case keys)."""

    # __dict__ holds the bound methods: after the first call, ``grain.say_hello`` is a plain instance lookup,
    # with no __getattr__ frame and no new GrainMethod per call.
    __slots__ = ("interface", "key", "__dict__")

    def __init__(self, interface, key):
        if not isinstance(interface, str) or not interface:
            raise TypeError("interface must be a grain interface name, e.g. 'IHelloGrain'")
        self.interface = interface
        self.key = str(key)

    def call(self, method, /, *args, timeout=None, **kwargs):
        """Calls ``method`` and blocks until it returns; ``timeout`` in seconds raises :class:`deror.TimeoutError`."""
        return _native.call(self.interface, self.key, method, args, kwargs, timeout)

    async def call_async(self, method, /, *args, timeout=None, **kwargs):
        """Awaitable form of :meth:`call`, completed from .NET on the running asyncio loop."""
        return await _native.call_async(self.interface, self.key, method, args, kwargs, timeout)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        method = self.__dict__[name] = GrainMethod(self, name)
        return method

    def __eq__(self, other):
        return isinstance(other, Grain) and (self.interface, self.key) == (other.interface, other.key)

    def __hash__(self):
        return hash((self.interface, self.key))

    def __repr__(self):
        return f"deror.grain({self.interface!r}, {self.key!r})"


class GrainMethod:
    """A grain method bound to its grain: call it, or ``await method.call_async(...)``."""

    __slots__ = ("grain", "name")

    def __init__(self, grain, name):
        self.grain = grain
        self.name = name

    def __call__(self, *args, timeout=None, **kwargs):
        # Straight to the native call (what Grain.call does), one Python frame less per call.
        return _native.call(self.grain.interface, self.grain.key, self.name, args, kwargs, timeout)

    async def call_async(self, *args, timeout=None, **kwargs):
        return await self.grain.call_async(self.name, *args, timeout=timeout, **kwargs)

    def __repr__(self):
        return f"{self.grain!r}.{self.name}"
