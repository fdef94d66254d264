"""JSON on the way to .NET: dataclasses, dates, UUIDs, enums and sets become plain JSON."""

import dataclasses
import datetime
import enum
import json
import uuid


def default(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _timespan(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be sent to Deror (not JSON-able)")


def _timespan(value):
    """A timedelta as .NET writes a TimeSpan: [-][d.]hh:mm:ss[.fffffff]."""
    sign = "-" if value < datetime.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    days = f"{value.days}." if value.days else ""
    fraction = f".{value.microseconds:06d}0" if value.microseconds else ""
    return f"{sign}{days}{hours:02d}:{minutes:02d}:{seconds:02d}{fraction}"


# One encoder for every call: json.dumps with options builds a new one each time.
_encode = json.JSONEncoder(default=default, separators=(",", ":")).encode

# Must match JsonMethodInvoker.NoArguments on the .NET side, which skips parsing it.
NO_ARGUMENTS = '{"args":[],"kwargs":{}}'


def dumps_value(value):
    return _encode(value)


def dumps_arguments(args, kwargs):
    if not args and not kwargs:
        return NO_ARGUMENTS
    return _encode({"args": list(args), "kwargs": kwargs})


loads = json.loads
