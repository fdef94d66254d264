"""Run by the host right after the interpreter starts (in a private namespace, not __main__).

Installs the finder that imports the ``deror`` package from the sources compiled into the host, so that
``import deror`` always gets the Python half that matches the native ``_deror`` module.
"""

import importlib.abc
import importlib.util
import sys

import _deror


class _EmbeddedLoader(importlib.abc.InspectLoader):
    def __init__(self, path, source, is_package):
        self._origin = "<deror-py>/" + path
        self._source = source
        self._is_package = is_package

    def get_source(self, fullname):
        return self._source

    def is_package(self, fullname):
        return self._is_package

    def get_code(self, fullname):
        return compile(self._source, self._origin, "exec", dont_inherit=True)

    def exec_module(self, module):
        exec(self.get_code(module.__name__), module.__dict__)


class _EmbeddedFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "deror" and not fullname.startswith("deror."):
            return None
        base = fullname.replace(".", "/")
        for relative, is_package in ((base + "/__init__.py", True), (base + ".py", False)):
            source = _deror.resource(relative)
            if source is not None:
                loader = _EmbeddedLoader(relative, source, is_package)
                return importlib.util.spec_from_loader(
                    fullname, loader, origin="<deror-py>/" + relative, is_package=is_package)
        return None


sys.meta_path.insert(0, _EmbeddedFinder())
