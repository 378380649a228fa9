"""`python -m bot doctor` against the fake Bot API: what it finds in the staff group and the
one line per problem saying what to fix (exit status 0 only when there is none)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import cli, doctor
from domain.clock import utc_now
from domain.staff_group import StaffGroup
from domain.store import Store
from tests.e2e.harness import make_settings
from tests.fakebotapi import FakeBotApi, FakeUser

GROUP = -1001234567890
OLD = -4012345678


async def checkup(
    tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], **settings: object
) -> tuple[int, str]:
    status = await doctor.run(make_settings(tg, tmp_path / "shop.db", **settings))
    return status, capsys.readouterr().out


def owner(tg: FakeBotApi) -> FakeUser:
    return tg.user(8001, "Sari")


async def test_all_good_for_an_admin_in_the_group(
    fake_tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_tg.group(GROUP, "Toko — Pesanan", bot_is_admin=True)
    status, out = await checkup(fake_tg, tmp_path, capsys)
    assert status == 0
    assert "Bot: @fake_test_bot" in out
    assert f'Staff group {GROUP} "Toko — Pesanan": supergroup' in out
    assert "member: yes (administrator); admin: yes" in out
    assert "can post: yes" in out
    assert "privacy mode: on (fine: an admin sees replies)" in out
    assert "staff messages waiting: 0" in out
    assert "Updates waiting in the inbox: 0 (being handled: 0)" in out
    assert out.rstrip().endswith("All good: the bot can work in the staff group.")


async def test_a_plain_member_with_privacy_mode_is_told_what_to_do(
    fake_tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_tg.group(GROUP, "Toko — Pesanan", bot_is_admin=False)
    status, out = await checkup(fake_tg, tmp_path, capsys)
    assert status == 1
    assert "member: yes (member); admin: no" in out and "privacy mode: on\n" in out
    assert "  - Make the bot an admin of the staff group, or turn its privacy mode off" in out


async def test_privacy_mode_off_is_enough_for_a_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeBotApi(privacy_mode=False) as tg:
        tg.group(GROUP, "Toko — Pesanan", bot_is_admin=False)
        status, out = await checkup(tg, tmp_path, capsys)
    assert status == 0 and "privacy mode: off" in out


async def test_removed_or_muted_says_so(
    fake_tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = fake_tg.group(GROUP, "Toko — Pesanan", bot_is_admin=True)
    await fake_tg.set_bot_status(chat, "kicked", by=owner(fake_tg), notify=False)
    status, out = await checkup(fake_tg, tmp_path, capsys)
    assert status == 1
    assert "the bot is not in it (Forbidden: bot was kicked from the supergroup chat)" in out
    assert "  - Add the bot to the staff group again and make it an admin" in out

    await fake_tg.set_bot_status(chat, "restricted", by=owner(fake_tg), admin=False, notify=False)
    status, out = await checkup(fake_tg, tmp_path, capsys)
    assert status == 1 and "can post: no" in out
    assert "  - Let the bot send messages in the staff group (it is restricted)" in out


async def test_an_upgrade_is_found_and_the_new_id_given(
    fake_tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = fake_tg.group(OLD, "Toko — Pesanan", bot_is_admin=True)
    await fake_tg.upgrade_to_supergroup(old, GROUP, by=owner(fake_tg), announce=False)
    status, out = await checkup(fake_tg, tmp_path, capsys, staff_chat_id=OLD)
    assert status == 1
    assert f"Staff group {OLD}: upgraded by Telegram to a supergroup, {GROUP}" in out
    assert f"  - Set STAFF_CHAT_ID={GROUP} in .env" in out
    assert "can post: yes" in out  # and the new group is examined

    # Once the bot has followed it (kept in the store), the doctor reads it from there.
    async with Store(tmp_path / "shop.db", utc_now) as store:
        await StaffGroup(OLD).move(store, OLD, GROUP)
    status, out = await checkup(fake_tg, tmp_path, capsys, staff_chat_id=OLD)
    assert f"STAFF_CHAT_ID {OLD} was upgraded by Telegram to {GROUP}; the bot follows it" in out
    assert "upgraded by Telegram to a supergroup" not in out  # no failed look-up this time


async def test_topics_and_settings_that_do_not_match(
    fake_tg: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = fake_tg.group(GROUP, "Toko — Pesanan", bot_is_admin=True)
    status, out = await checkup(fake_tg, tmp_path, capsys, staff_topics="orders=12")
    assert status == 1 and "STAFF_TOPICS is set but the group has no topics" in out
    fake_tg.enable_topics(chat)
    status, out = await checkup(fake_tg, tmp_path, capsys)
    assert status == 0 and "supergroup, topics on" in out
    assert "every staff message goes to General" in out
    status, out = await checkup(fake_tg, tmp_path, capsys, staff_topics="orders=12,alerts=20")
    assert status == 0 and "topics: orders → 12, alerts → 20; the rest goes to General" in out


async def test_the_command_line_runs_it_without_showing_the_token(
    fake_tg: FakeBotApi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_tg.group(GROUP, "Toko — Pesanan", bot_is_admin=False)
    for name, value in {
        "BOT_TOKEN": fake_tg.token,
        "STAFF_CHAT_ID": str(GROUP),
        "DATABASE_PATH": str(tmp_path / "shop.db"),
        "TELEGRAM_API_URL": fake_tg.url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's folder
    # In a thread, as `python -m bot doctor` would run: the fake server keeps serving here.
    assert await asyncio.to_thread(cli.main, ["doctor"]) == 1
    captured = capsys.readouterr()
    assert "admin: no" in captured.out
    assert fake_tg.token not in captured.out + captured.err
