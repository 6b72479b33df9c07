"""An ended meeting's board stays as it was written into the record: its controls refuse."""

from __future__ import annotations

from tests.support.server import Admin, ServerProcess
from tests.support.web import sign_in


async def test_the_lock_control_on_an_ended_board_refuses_plainly(
    server: ServerProcess, admin: Admin
) -> None:
    sanne = await sign_in(server, admin, "sanne@jeugdzorg.example", "Sanne de Boer")
    board = await sanne.new_meeting(await sanne.new_case())
    assert (await sanne.api(f"/api/boards/{board}/end")).status_code == 200

    for locked in (True, False):
        refused = await sanne.api(f"/api/boards/{board}/lock", {"locked": locked})
        assert refused.status_code == 409
        assert "has ended" in refused.json()["error"]
    trail = (await sanne.client.get(f"/api/boards/{board}/audit")).json()
    assert not [e for e in trail if e["event"] in ("board_locked", "board_unlocked")]
