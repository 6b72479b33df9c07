"""The compiled modules (`make native`): what runs is what the source says."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from server import native


def _package(tmp_path: Path, source: str) -> Path:
    """A package with one module, `mod`, "compiled" (a library file beside it) from `source`."""
    package = tmp_path / "server"
    (package / "sync").mkdir(parents=True)
    (package / "sync" / "mod.py").write_text(source)
    (package / "sync" / f"mod{EXTENSION_SUFFIXES[0]}").write_bytes(b"\x7fELF")
    (package / f"compiled__mypyc{EXTENSION_SUFFIXES[0]}").write_bytes(b"\x7fELF")  # no source
    native.record([package / "sync" / "mod.py"], package)
    return package


def test_a_module_compiled_from_its_source_starts(tmp_path: Path) -> None:
    package = _package(tmp_path, "X = 1\n")
    assert native.compiled_modules(package) == [package / "sync" / "mod.py"]
    digest = hashlib.sha256(b"X = 1\n").hexdigest()
    assert json.loads((package / native.MANIFEST).read_text()) == {"server/sync/mod.py": digest}
    native.verify(package)


def test_a_module_changed_since_it_was_compiled_stops_the_server(tmp_path: Path) -> None:
    package = _package(tmp_path, "X = 1\n")
    (package / "sync" / "mod.py").write_text("X = 2\n")
    with pytest.raises(native.StaleCompiledModule, match=r"server/sync/mod.py .*make native"):
        native.verify(package)


def test_a_compiled_module_nobody_recorded_stops_the_server(tmp_path: Path) -> None:
    package = _package(tmp_path, "X = 1\n")
    (package / native.MANIFEST).unlink()
    with pytest.raises(native.StaleCompiledModule, match="make pure"):
        native.verify(package)


def test_without_compiled_modules_the_server_runs_as_python(tmp_path: Path) -> None:
    package = _package(tmp_path, "X = 1\n")
    (package / "sync" / f"mod{EXTENSION_SUFFIXES[0]}").unlink()
    (package / native.MANIFEST).unlink()
    native.verify(package)


def _compiled() -> list[str]:
    """The modules `make native` compiled, as module names."""
    manifest = native.PACKAGE / native.MANIFEST
    if native.from_source_wanted():
        pytest.skip(f"{native.FROM_SOURCE} is set: the server runs from its source")
    if not manifest.exists():
        pytest.skip("not compiled: `make native` (make test does) compiles the server")
    compiled = json.loads(manifest.read_text())
    if not compiled:
        pytest.skip("compiled nothing: no C compiler when `make native` ran")
    return [source.removesuffix(".py").replace("/", ".") for source in compiled]


def test_the_modules_make_native_compiled_are_the_ones_running() -> None:
    for name in _compiled():
        module = importlib.import_module(name)
        assert module.__file__ is not None
        assert module.__file__.endswith(tuple(EXTENSION_SUFFIXES)), module.__file__


def test_the_compiled_modules_load_wherever_the_server_starts(tmp_path: Path) -> None:
    """As `netwerkbord serve` starts them: not from the project's folder, which tests and
    `python -m` put on the path (the library the modules share must be in the package)."""
    names = _compiled()
    imports = "; ".join(f"import {name}" for name in names)
    script = f"{imports}; import sys; print(sys.modules[{names[-1]!r}].__file__)"
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().endswith(tuple(EXTENSION_SUFFIXES))


def _edited_copy(tmp_path: Path, module: str) -> Path:
    """A copy of the compiled server in which `module`'s source was edited since compiling."""
    names = _compiled_even_from_source()
    if module not in names:
        pytest.skip(f"{module} was not compiled")
    shutil.copytree(native.PACKAGE, tmp_path / "server", ignore=shutil.ignore_patterns("*.pyc"))
    source = tmp_path / (module.replace(".", "/") + ".py")
    source.write_text(source.read_text() + "\nEDITED = 'since compiling'\n")
    return tmp_path


def _compiled_even_from_source() -> list[str]:
    manifest = native.PACKAGE / native.MANIFEST
    compiled = json.loads(manifest.read_text()) if manifest.exists() else {}
    if not compiled:
        pytest.skip("not compiled: `make native` compiles the server")
    return [source.removesuffix(".py").replace("/", ".") for source in compiled]


def _import(root: Path, module: str, from_source: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != native.FROM_SOURCE}
    if from_source:
        env[native.FROM_SOURCE] = "1"
    script = f"import {module} as m; print(m.EDITED, m.__file__)"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_edited_compiled_module_runs_as_its_source_when_asked(tmp_path: Path) -> None:
    root = _edited_copy(tmp_path, "server.sync.room")
    ran = _import(root, "server.sync.room", from_source=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["since", "compiling", str(root / "server/sync/room.py")]


def test_an_edited_compiled_module_stops_the_server_unless_run_from_source(
    tmp_path: Path,
) -> None:
    root = _edited_copy(tmp_path, "server.sync.room")
    ran = _import(root, "server.sync.room", from_source=False)
    assert ran.returncode != 0
    assert "server/sync/room.py changed since it was compiled" in ran.stderr
