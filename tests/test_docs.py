"""The docs name every setting the server reads and every close code it sends."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from server.errors import CLOSE_REASONS, CloseCode
from server.settings import PREFIX, Settings

DOCS = Path(__file__).parent.parent / "docs"


class _Asked(Mapping[str, str]):
    """An empty environment that remembers every variable the settings asked for."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.names.add(name)
        raise KeyError(name)

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        self.names.add(name)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _settings_read() -> set[str]:
    asked = _Asked()
    Settings.from_env(asked)
    return {name for name in asked.names if name.startswith(PREFIX)}


def test_the_settings_are_read_from_the_environment() -> None:
    assert f"{PREFIX}DATA_DIR" in _settings_read()


@pytest.mark.parametrize("variable", sorted(_settings_read()))
def test_every_setting_has_a_row_in_operations_md(variable: str) -> None:
    rows = [line for line in (DOCS / "operations.md").read_text().splitlines() if line[:1] == "|"]
    assert any(f"`{variable}`" in row for row in rows), f"{variable} is not in the settings table"


@pytest.mark.parametrize("code", list(CloseCode), ids=lambda code: code.name)
def test_every_close_code_has_a_row_in_protocol_md(code: CloseCode) -> None:
    table = (DOCS / "protocol.md").read_text()
    assert re.search(rf"^\| {int(code)} \|", table, re.MULTILINE), f"{int(code)} is undocumented"


@pytest.mark.parametrize("code", [c for c in CloseCode if c is not CloseCode.NORMAL])
def test_every_close_code_but_normal_has_a_reason(code: CloseCode) -> None:
    assert CLOSE_REASONS.get(code), f"{code.name} has no reason a person can read"
