"""Run a module with the server's modules imported from their source, compiled or not.

`python -m bench.uncompiled MODULE ARGS...`. bench.sections times the steps of a keystroke by
wrapping the server's functions and methods in Python, and the calls inside a module compiled
with mypyc (`make native`) go straight to the compiled functions, past any wrapper.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec, PathFinder
from importlib.util import spec_from_file_location
from types import ModuleType


class FromSource(MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not name.startswith("server."):
            return None
        spec = PathFinder.find_spec(name, path)
        origin = spec.origin if spec is not None else None
        for suffix in EXTENSION_SUFFIXES:
            if origin is not None and origin.endswith(suffix):
                return spec_from_file_location(name, origin.removesuffix(suffix) + ".py")
        return spec


def main() -> None:
    sys.meta_path.insert(0, FromSource())
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
