"""The SHA-256 of a record: over a manifest naming every part's own digest, so any byte
changed anywhere (state, JSON, HTML, PDF, who, when) changes it; and its seal, an HMAC of
the manifest under the server's secret key, which whoever rewrites a record and computes
its digests again cannot make without the key."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


_SEAL_CONTEXT = b"netwerkbord.case-record-seal.v1\n"


def seal(manifest: str, key: str) -> str:
    """HMAC-SHA256 of `manifest` under the server's secret key."""
    return hmac.new(key.encode(), _SEAL_CONTEXT + manifest.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class RecordContent:
    id: str
    case_id: str
    board_id: str
    created_at: str
    closed_by: str
    closed_by_name: str
    language: str
    title: str
    participants: str
    state: bytes
    document: str
    html: str
    pdf: bytes
    corrects: str | None
    correction_reason: str | None

    def manifest(self) -> str:
        return json.dumps(
            {
                "format": "netwerkbord.case-record.v1",
                "id": self.id,
                "case_id": self.case_id,
                "board_id": self.board_id,
                "created_at": self.created_at,
                "closed_by": self.closed_by,
                "closed_by_name": self.closed_by_name,
                "language": self.language,
                "title": self.title,
                "participants_sha256": sha256(self.participants),
                "state_sha256": sha256(self.state),
                "document_sha256": sha256(self.document),
                "html_sha256": sha256(self.html),
                "pdf_sha256": sha256(self.pdf),
                "corrects": self.corrects,
                "correction_reason": self.correction_reason,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def digest(self) -> str:
        return sha256(self.manifest())
