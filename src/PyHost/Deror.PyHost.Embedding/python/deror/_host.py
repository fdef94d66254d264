"""The host's entry points: ``deror-py`` calls one of these and exits with the code it returns.

Each function returns an exit code and lets nothing escape: a ``SystemExit`` reaching the C API would call C
``exit()`` and end the .NET process without its shutdown.
"""

import os
import runpy
import signal
import sys
import traceback

_KEYBOARD_INTERRUPT_EXIT = 130


def _exit_code(exit):
    """The process exit code for a ``SystemExit``, as python3 computes it."""
    code = exit.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _run(main):
    # Ctrl-C raises KeyboardInterrupt, as in python3, even if .NET touched SIGINT before the interpreter started.
    if signal.getsignal(signal.SIGINT) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
        return 0
    except SystemExit as exit:
        return _exit_code(exit)
    except KeyboardInterrupt:
        traceback.print_exc()
        return _KEYBOARD_INTERRUPT_EXIT
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass


def run_script(path, *args):
    """``deror-py script.py args...``: runs the file as ``__main__`` with ``sys.argv = [path, *args]``."""
    if not os.path.exists(path):
        print(f"deror-py: can't open file {path!r}: [Errno 2] No such file or directory", file=sys.stderr)
        return 2
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    return _run(lambda: runpy.run_path(path, run_name="__main__"))


def run_module(name, *args):
    """``deror-py -m module args...``."""
    sys.argv = [name, *args]
    sys.path.insert(0, os.getcwd())
    return _run(lambda: runpy.run_module(name, run_name="__main__", alter_sys=True))


def run_code(code, *args):
    """``deror-py -c code args...``: runs the code in ``__main__``."""
    sys.argv = ["-c", *args]
    sys.path.insert(0, "")
    namespace = sys.modules["__main__"].__dict__
    return _run(lambda: exec(compile(code, "<string>", "exec"), namespace))


def run_repl():
    """``deror-py`` with no arguments: an interactive console with ``deror`` imported."""
    import code

    try:
        import readline
        import rlcompleter  # noqa: F401  (registers the completer readline uses)

        readline.parse_and_bind("tab: complete")
    except ImportError:
        pass
    import deror

    sys.argv = [""]
    sys.path.insert(0, "")
    namespace = sys.modules["__main__"].__dict__
    namespace["deror"] = deror
    banner = f"deror-py on Python {sys.version.split()[0]}: the 'deror' module is imported. Ctrl-D exits."
    return _run(lambda: code.interact(banner=banner, local=namespace, exitmsg=""))


def run_kernel(connection_file):
    """``deror-py kernel -f FILE``: a Jupyter kernel (ipykernel) inside this interpreter."""

    def main():
        import _deror
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.executable, "-f", connection_file]
        app = IPKernelApp.instance()
        app.initialize(["-f", connection_file])
        # ipykernel now forwards fds 1 and 2 to the notebook; .NET's console must write there too.
        _deror.rebind_console()
        app.start()

    return _run(main)
