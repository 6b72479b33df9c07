"""A record an auditor can read: a page that leads back, and a tagged PDF in readable type
whose first page starts the record."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter

import pikepdf

from tests.records.test_case_record import end, hold_meeting
from tests.support.node import NodeClients
from tests.support.server import Admin, ServerProcess

_LINK = re.compile(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>')
PX = 0.75  # WeasyPrint writes CSS pixels under a 0.75 scale: 16 px is 12 pt


def links(html: str) -> dict[str, str]:
    return {text.strip(): href for href, text in _LINK.findall(html)}


def page_text(pdf: bytes, page: int) -> str:
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def type_sizes(pdf: pikepdf.Pdf) -> Counter[float]:
    """How often each font size (in points) is set on the pages."""
    sizes: Counter[float] = Counter()
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":
                sizes[round(float(operands[1]) * PX, 1)] += 1
    return sizes


async def test_the_record_page_leads_back_and_its_pdf_is_tagged_and_readable(
    server: ServerProcess, admin: Admin, nodes: NodeClients
) -> None:
    meeting = await hold_meeting(server, admin, nodes)
    record = await end(meeting, nodes)
    client = meeting.sanne.client

    case_page = await client.get(f"/cases/{meeting.case}")
    page = await client.get(links(case_page.text)["Lezen"])
    assert page.status_code == 200
    found = links(page.text)
    assert found["Terug naar de zaak"] == f"/cases/{meeting.case}"
    assert found["Mijn zaken"] == "/"
    assert found["PDF downloaden"] == f"/records/{record}.pdf"
    assert (await client.get(found["Terug naar de zaak"])).status_code == 200
    assert (await client.get(found["Mijn zaken"])).status_code == 200
    stored = (await client.get(found["JSON downloaden"])).json()
    assert stored["record"]["id"] == record

    pdf = (await client.get(found["PDF downloaden"])).content
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/StructTreeRoot" in document.Root
        assert document.Root.MarkInfo.Marked is True
        assert str(document.Root.Lang) == "nl"
        sizes = type_sizes(document)
    assert min(sizes) >= 10, sizes  # bylines, table heads, page numbers
    assert sizes.most_common(1)[0][0] >= 12, sizes  # the record's text

    first = page_text(pdf, 1)
    assert "Familie Jansen" in first
    assert "Waar maken we ons zorgen over?" in first  # the record starts on page 1
    assert "Vader schreeuwt als hij gedronken heeft" in first
    for phone in meeting.phones:
        await phone.aclose()
    await meeting.sanne.close()
