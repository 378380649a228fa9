"""Staff workflow settings from the environment: couriers, invoice stage, stock admins."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_error


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEF")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234567890")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch)
    assert s.invoice_at == "shipment"
    assert s.staff_admin_ids == []
    assert [c.code for c in s.couriers] == [
        "jne",
        "jnt",
        "sicepat",
        "anteraja",
        "pos",
        "ninja",
        "toko",
    ]


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("", []),
        ("123", [123]),
        ("123,456", [123, 456]),
        ("[123, 456]", [123, 456]),
        ("123 456", [123, 456]),
    ],
)
def test_staff_admin_ids(monkeypatch: pytest.MonkeyPatch, raw: str, ids: list[int]) -> None:
    assert settings(monkeypatch, STAFF_ADMIN_IDS=raw).staff_admin_ids == ids


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in [
        ("STAFF_ADMIN_IDS", "sari,dewi"),
        ("INVOICE_AT", "tomorrow"),
        ("COURIERS", "[]"),
        ("COURIERS", '[{"code":"jne","name":"JNE"},{"code":"jne","name":"JNE 2"}]'),
        ("COURIERS", '[{"code":"x","name":"X","tracking_url":"https://x.example/"}]'),
    ]:
        with pytest.raises(ValidationError) as err:
            settings(monkeypatch, **{key: value})
        assert key in describe_error(err.value)
        monkeypatch.delenv(key)


def test_a_shop_sets_its_own_couriers(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(
        monkeypatch,
        COURIERS='[{"code":"lion","name":"Lion Parcel",'
        '"tracking_url":"https://lionparcel.com/track?q={number}",'
        '"tracking_pattern":"\\\\d{11,13}","example":"11012345678"}]',
        INVOICE_AT="manual",
    )
    assert s.couriers[0].link("11012345678") == "https://lionparcel.com/track?q=11012345678"
    assert s.couriers[0].tracking_pattern == r"\d{11,13}"
    assert s.invoice_at == "manual"
