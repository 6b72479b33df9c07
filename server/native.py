"""The server's compiled modules (`make native`, scripts/build-native) must be its source.

The modules every keystroke runs through are compiled with mypyc into C extensions, which
Python imports in place of the .py file beside them: a module edited after compiling would
silently run as it was. So the server refuses to start on a compiled module whose source
changed since (server/native.json records what each was compiled from), and says how to
compile it again or run uncompiled (`make pure`). Not compiled itself: it runs first.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).parent
MANIFEST = "native.json"
SHARED_LIBRARY = "__mypyc"  # the runtime the compiled modules share, compiled from no source


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


if __name__ == "__main__":  # scripts/build-native, run as a file: importing `server` would verify
    record([Path(path).resolve() for path in sys.argv[1:]])
