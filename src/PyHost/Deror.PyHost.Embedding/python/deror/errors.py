"""Exceptions raised for failed Deror operations. Each carries the .NET message; ``dotnet_type`` names the
.NET exception it came from (for a grain's own exception, the type the grain threw)."""

import builtins

import _deror


class DerorError(Exception):
    """A Deror operation failed."""

    dotnet_type = None


class NotFoundError(DerorError, LookupError):
    """What was asked for does not exist (a grain interface, method, cluster, node or task)."""


class InvalidStateError(DerorError):
    """The operation is not allowed in the current state (e.g. cancelling a finished task)."""


class TimeoutError(DerorError, builtins.TimeoutError):
    """The operation did not complete in time. Also a built-in ``TimeoutError``."""


class ConnectionError(DerorError, builtins.ConnectionError):
    """The cluster could not be reached. Also a built-in ``ConnectionError``."""


class InvalidArgumentError(DerorError, ValueError):
    """The cluster rejected an argument. Also a ``ValueError``."""


# The native module raises these (in this order) for the .NET exceptions it maps.
_deror.set_errors(DerorError, NotFoundError, InvalidStateError, TimeoutError, ConnectionError, InvalidArgumentError)
