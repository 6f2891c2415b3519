"""SIGINT and SIGTERM from a command's first moment to its last (issue 19).

Loading the command line takes about a second: a signal then used to end ``deportsim`` with a
traceback (Ctrl-C) or without a word (SIGTERM), as killed by the signal rather than exiting 130 or
143. Each test runs ``deportsim.cli.main`` in a Python process of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

#: Loads the command line as the ``deportsim`` script does, with the model's modules held back
#: (``loading`` is printed then) until the test has sent its signal.
SLOW_LOAD = textwrap.dedent("""
    import sys, time

    class Slow:
        def find_spec(self, name, path=None, target=None):
            if name == "deportsim.api":
                print("loading", flush=True)
                time.sleep(60)
            return None

    sys.meta_path.insert(0, Slow())
    sys.argv = ["deportsim", "scenarios"]
    from deportsim.cli import main
    main()
""")

#: A command that has ended (exit code 0) and is then signalled before its process ends.
SIGNALLED_AT_THE_END = textwrap.dedent("""
    import os, signal, sys, time
    sys.argv = ["deportsim", "--version"]
    from deportsim.cli import main
    try:
        main()
    except SystemExit:
        os.kill(os.getpid(), signal.SIG{name})
        time.sleep(30)
        raise
""")


#: The same, signalled while Python shuts down (freeing ``__main__``'s objects, after ``atexit``).
SIGNALLED_IN_SHUTDOWN = textwrap.dedent("""
    import os, signal, sys, time
    sys.argv = ["deportsim", "--version"]
    from deportsim.cli import main

    class Late:
        def __del__(self):
            os.kill(os.getpid(), signal.SIG{name})
            time.sleep(0.5)

    late = Late()
    main()
""")


def _default_signals() -> None:
    # a test run in the background may ignore SIGINT, and a child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_default_signals,  # noqa: PLW1509
    )  # fmt: skip


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_command_line_loads_exits_with_its_code_and_one_line(
    sig: signal.Signals, code: int
) -> None:
    proc = _python(SLOW_LOAD)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "loading\n"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    line = f"deportsim: interrupted ({sig.name}); unfinished results were not kept"
    assert err.splitlines() == [line]


@pytest.mark.parametrize("name", ["INT", "TERM"])
@pytest.mark.parametrize(
    "when", [SIGNALLED_AT_THE_END, SIGNALLED_IN_SHUTDOWN], ids=["end", "shutdown"]
)
def test_a_signal_after_the_command_has_ended_keeps_its_exit_code(name: str, when: str) -> None:
    proc = _python(when.replace("{name}", name))
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (0, "")
    assert out.startswith("deportsim ")


def test_the_package_loads_its_names_when_first_used() -> None:
    check = textwrap.dedent("""
        import sys
        import deportsim
        assert "deportsim.api" not in sys.modules, "deportsim loaded the model at once"
        import deportsim.run  # the subpackage does not hide the function of the same name
        from deportsim import RunConfig, run
        from deportsim.api import run as api_run
        assert run is api_run and deportsim.run is api_run
        assert RunConfig.__module__ == "deportsim.run.config"
        assert sorted(set(deportsim.__all__) - set(dir(deportsim))) == []
        try:
            deportsim.no_such_name
        except AttributeError:
            pass
        else:
            raise AssertionError("an unknown name is an AttributeError")
    """)
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
