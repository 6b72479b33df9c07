"""The server's compiled modules (`make native`, scripts/build-native) must be its source.

The modules every keystroke runs through are compiled with mypyc into C extensions, which
Python imports in place of the .py file beside them: a module edited after compiling would
silently run as it was. So the server refuses to start on a compiled module whose source
changed since (server/native.json records what each was compiled from), and says how to
compile it again or run uncompiled (`make pure`). Not compiled itself: it runs first.

Or, with NETWERKBORD_FROM_SOURCE=1 in the environment (`make check`, bench/uncompiled.py),
every `server` module is imported from its .py file even where a compiled one sits beside
it, in this process and in every server process it starts (they inherit the environment):
what runs is the source as it is now, so an edited module needs no compiling and the check
for stale compiled modules is not needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec, PathFinder
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).parent
MANIFEST = "native.json"
SHARED_LIBRARY = "__mypyc"  # the runtime the compiled modules share, compiled from no source
FROM_SOURCE = "NETWERKBORD_FROM_SOURCE"


class StaleCompiledModule(ImportError):
    pass


def compiled_modules(package: Path = PACKAGE) -> list[Path]:
    """The source of every compiled module in `package`."""
    sources = set()
    for library in package.rglob("*.so"):
        suffix = next(s for s in EXTENSION_SUFFIXES if library.name.endswith(s))
        module = library.name.removesuffix(suffix)
        if not module.endswith(SHARED_LIBRARY):
            sources.add(library.with_name(module + ".py"))
    return sorted(sources)


def _digest(source: Path) -> str | None:
    return hashlib.sha256(source.read_bytes()).hexdigest() if source.exists() else None


def record(sources: list[Path], package: Path = PACKAGE) -> None:
    """Write down what each of `sources` (in `package`) was compiled from."""
    digests = {
        f"{package.name}/{source.relative_to(package)}": _digest(source) for source in sources
    }
    (package / MANIFEST).write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")


def verify(package: Path = PACKAGE) -> None:
    """Raise StaleCompiledModule if a compiled module was not compiled from its source."""
    sources = compiled_modules(package)
    if not sources:
        return
    manifest = package / MANIFEST
    recorded: dict[str, str] = json.loads(manifest.read_text()) if manifest.exists() else {}
    for source in sources:
        name = f"{package.name}/{source.relative_to(package)}"
        if recorded.get(name) != _digest(source):
            raise StaleCompiledModule(
                f"{name} changed since it was compiled: run `make native` to compile it "
                "again, or `make pure` to run the server uncompiled."
            )


class FromSource(MetaPathFinder):
    """Finds `server` modules as their source, never as the compiled module beside it."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not name.startswith(f"{PACKAGE.name}."):
            return None
        spec = PathFinder.find_spec(name, path)
        origin = spec.origin if spec is not None else None
        for suffix in EXTENSION_SUFFIXES:
            if origin is not None and origin.endswith(suffix):
                source = Path(origin.removesuffix(suffix) + ".py")
                if source.exists():
                    return spec_from_file_location(name, source)
        return spec


def from_source_wanted() -> bool:
    return os.environ.get(FROM_SOURCE, "") not in ("", "0")


def load() -> None:
    """Before any other `server` module is imported: run the source if the environment asks
    (then compiled modules are never loaded, so whether they are stale does not matter),
    otherwise refuse compiled modules that are not their source."""
    if from_source_wanted():
        if not any(isinstance(finder, FromSource) for finder in sys.meta_path):
            sys.meta_path.insert(0, FromSource())
    else:
        verify()


if __name__ == "__main__":  # scripts/build-native, run as a file: importing `server` would verify
    record([Path(path).resolve() for path in sys.argv[1:]])
