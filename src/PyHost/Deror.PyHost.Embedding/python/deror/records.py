"""Results as dataclasses: readable ``repr`` in a console, an HTML table in a notebook."""

import dataclasses
import html
import keyword

_classes = {}


def record(type_name, value):
    """Converts JSON from .NET into instances of a dataclass named ``type_name`` (nested objects too)."""
    if isinstance(value, list):
        return [record(type_name, item) for item in value]
    if not isinstance(value, dict):
        return value
    if not all(isinstance(name, str) and name.isidentifier() for name in value):
        return {name: record(type_name, item) for name, item in value.items()}  # a map, not an object
    # A keyword gets a trailing underscore, as PEP 8 suggests: TaskTransition.from_.
    fields = {(name + "_" if keyword.iskeyword(name) else name): record(_type_name(name), item) for name, item in value.items()}
    return _class(type_name, tuple(fields))(**fields)


def _type_name(field):
    """``nodes`` → ``Node``, ``maintenance`` → ``Maintenance``: names for nested records."""
    name = "".join(part.capitalize() for part in field.split("_"))
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _class(type_name, fields):
    key = (type_name, fields)
    cls = _classes.get(key)
    if cls is None:
        cls = dataclasses.make_dataclass(type_name, fields, frozen=True, namespace={"_repr_html_": _repr_html_})
        cls.__module__ = "deror.records"
        _classes[key] = cls
    return cls


def _repr_html_(self):
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(f.name)}</th><td style='text-align:left'>{_cell(getattr(self, f.name))}</td></tr>"
        for f in dataclasses.fields(self))
    return f"<table><caption>{html.escape(type(self).__name__)}</caption>{rows}</table>"


def _cell(value):
    if dataclasses.is_dataclass(value):
        return value._repr_html_()
    if isinstance(value, list) and value and all(dataclasses.is_dataclass(v) for v in value):
        return table(value)
    return html.escape(repr(value) if not isinstance(value, str) else value)


def table(items):
    """An HTML table of records (one row each), for ``IPython.display.HTML``."""
    if not items:
        return "<table></table>"
    names = [f.name for f in dataclasses.fields(items[0])]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{_cell(getattr(i, n))}</td>" for n in names) + "</tr>" for i in items)
    return f"<table><tr>{head}</tr>{body}</table>"
