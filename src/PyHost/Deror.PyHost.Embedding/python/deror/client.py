"""The host's connection to the cluster."""

import _deror


def connect(gateway=None, cluster_id=None, *, token=None, connect_timeout=None):
    """Connects to a cluster, replacing the current connection.

    ``gateway`` is ``"host:port"`` or a list of them; ``None`` uses ``DEROR_GATEWAY`` (comma-separated), else
    ``127.0.0.1:30000``, the local cluster ``deror up`` starts. ``cluster_id`` defaults to ``DEROR_CLUSTER_ID``,
    else ``local``; ``token`` (the cluster's access token) to ``DEROR_TOKEN``. Without ``connect()`` the first call
    connects with those defaults.
    Raises :class:`deror.ConnectionError` when no gateway answers within ``connect_timeout`` seconds (30).
    """
    if gateway is not None and not isinstance(gateway, str):
        gateway = ",".join(gateway)
    if token is not None and not isinstance(token, str):
        raise TypeError("token must be a str")
    _deror.connect(gateway, cluster_id, connect_timeout, token)


def disconnect():
    """Closes the connection; the next call opens a new one with the default settings."""
    _deror.disconnect()


def interfaces():
    """Full names of the grain interfaces :func:`deror.grain` can call."""
    return _deror.interfaces()
