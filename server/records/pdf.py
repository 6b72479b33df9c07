"""A record's PDF, made by WeasyPrint in a process of its own, within a time budget.

WeasyPrint is CPU-bound Python: in the server's process (or a thread of it) a large board
would hold the event loop, and every other meeting with it, for as long as it lays out. In a
process of its own it takes none of the server's time, and a render that goes past its
budget is killed rather than waited for. Run as `python -m server.records.pdf SERVER_PID`:
HTML on stdin, the PDF on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys

from server.pages import WEB_DIR

# PDF/UA-1: tagged (a structure tree a screen reader follows) and marked as such.
PDF_VARIANT = "pdf/ua-1"
_PR_SET_PDEATHSIG = 1


class RecordNotRendered(Exception):
    """The record's PDF could not be made; the message says why, for the facilitator."""


def render_pdf(html: str) -> bytes:
    """A4, tagged, in this process: for the worker and for scripts, never the server's loop."""
    # Imported here: WeasyPrint takes about a second to load.
    from weasyprint import HTML  # noqa: PLC0415

    pdf: bytes = HTML(string=html, base_url=str(WEB_DIR)).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


async def render_pdf_within(html: str, seconds: float) -> bytes:
    """The PDF of `html`, made in a child process that is killed after `seconds`."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.records.pdf",
        str(os.getpid()),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(seconds):
            pdf, errors = await worker.communicate(html.encode())
    except TimeoutError:
        raise RecordNotRendered(
            f"Making the PDF took longer than {seconds:g} seconds and was stopped."
        ) from None
    finally:
        if worker.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            await worker.wait()
    if worker.returncode != 0 or not pdf.startswith(b"%PDF"):
        last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RecordNotRendered(f"Making the PDF failed ({worker.returncode}): {last[0][:300]}")
    return pdf


def _die_with(server: int) -> None:
    """A render whose server was killed is of no use to anyone: end with it (on Linux; a
    server that died before this was set is seen as a new parent)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server:
        sys.exit(1)


def main() -> int:
    _die_with(int(sys.argv[1]))
    html = sys.stdin.buffer.read().decode()
    sys.stdout.buffer.write(render_pdf(html))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
