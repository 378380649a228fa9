from __future__ import annotations

from tests.e2e.harness import RunningBot


async def test_start_greets_with_menu(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(5001, "Ani", language_code="id")
    await tg.send_text(ani, "/start")
    reply = await tg.wait_bot_message(ani)
    assert "Selamat datang" in (reply.text or "")
    assert "m:cats" in reply.callback_data()


async def test_commands_are_registered_for_private_chats(shop: RunningBot) -> None:
    scope = {"type": "all_private_chats"}
    indonesian = [c["command"] for c in shop.tg.get_commands(scope)]
    english = {c["command"]: c["description"] for c in shop.tg.get_commands(scope, "en")}
    assert {"start", "catalog", "cart", "orders", "track", "language", "help"} <= set(indonesian)
    assert english["orders"] == "My orders"
