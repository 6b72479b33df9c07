"""Run a module with the server's modules imported from their source, compiled or not.

`python -m bench.uncompiled MODULE ARGS...`. bench.sections times the steps of a keystroke by
wrapping the server's functions and methods in Python, and the calls inside a module compiled
with mypyc (`make native`) go straight to the compiled functions, past any wrapper. This sets
NETWERKBORD_FROM_SOURCE (server/native.py), so the server processes it starts run from source
too.
"""

from __future__ import annotations

import os
import runpy
import sys


def main() -> None:
    # server.native.FROM_SOURCE, set before anything imports `server`, which reads it first
    os.environ["NETWERKBORD_FROM_SOURCE"] = "1"
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
