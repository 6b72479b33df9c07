"""Instructions per keystroke through the pipeline, counted by valgrind: a figure the host's
load does not move.

The settings' CPU seconds move by a tenth or more from one run to the next on this shared
machine, so a change worth a few percent cannot be told from noise there. valgrind's
callgrind counts the instructions the process runs instead, the same for the same code and
inputs whatever the host is doing. `python -m bench.instructions`: runs `bench.pipeline`
(counting sockets, keystrokes back to back) under callgrind with two numbers of
keystrokes; the difference, divided by the keystrokes between them, leaves out the start
(imports, the database, the password hash of the bench's user). What it cannot show is
what the settings show most: code and data that are cold in the caches at every keystroke.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

FEWER, MORE = 1000, 3000
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _instructions(keystrokes: int) -> int:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.pipeline",
            str(keystrokes),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    found = _REFS.search(run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def measure() -> dict[str, Any] | None:
    """None where valgrind is not installed (it is not needed for anything else)."""
    if shutil.which("valgrind") is None:
        return None
    fewer, more = _instructions(FEWER), _instructions(MORE)
    return {
        "keystrokes": [FEWER, MORE],
        "instructions": [fewer, more],
        "per_keystroke": round((more - fewer) / (MORE - FEWER)),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
