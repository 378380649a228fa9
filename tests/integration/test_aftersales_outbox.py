"""After-sales notices through the real outbox sender and renderers (a fake bot object): every
after-sales kind renders and is sent, nothing fails; the complaint card is posted once and then
edited, evidence goes under it, the customer gets the proof photo and the credit note PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pypdf

from domain import outbox
from domain.aftersales import complaints, inspection, reads, refunds, shipments
from domain.aftersales.models import ComplaintReason, Solution
from domain.outbox import Kind
from domain.store import Store
from tests.integration.aftersales_support import VIDEO, complain, delivered
from tests.integration.staff_support import DEWI, ISSUER, SARI
from tests.integration.test_aftersales import COURIERS
from tests.integration.test_staff_outbox import STAFF_CHAT, FakeBot, Sent, make_sender


@dataclass
class VideoBot(FakeBot):
    async def send_video(self, chat_id: int, video: str, **kw: Any) -> Sent:
        return await self._call("send_video", chat_id, video=video, **kw)


async def test_every_aftersales_notice_is_rendered_and_sent(seeded_store: Store) -> None:
    store = seeded_store
    bot = VideoBot()
    sender = make_sender(store)
    order = await delivered(store, 1001)
    c = await complain(store, order)
    await complaints.add_evidence(store, 1001, "Siti", c.id, VIDEO)
    await sender.run(bot)  # type: ignore[arg-type]
    card = (await reads.complaint(store, c.id)).card_message_id
    assert card is not None
    await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
    await complaints.record_return_shipment(store, COURIERS, c.id, "jnt", "JP5555555555", SARI)
    refund = (await reads.complaint_view(store, c.id, reads.Audience.STAFF)).refund
    assert refund is not None
    await refunds.give_bank_details(store, 1001, "Siti", refund.id, "BCA", "1234567890", "Siti")
    await refunds.set_amount(store, refund.id, 100_000, SARI)
    await inspection.inspect(store, c.id, "KOPI-GAYO", 2, 0, DEWI)
    await refunds.mark_paid(store, refund.id, SARI, "proof-photo", ISSUER)
    # A replacement with its follow-up parcel, and the nudges the scheduler will queue.
    other = await delivered(store, 1002, {"TEH-MELATI": 1})
    r = await complain(store, other, ComplaintReason.INCOMPLETE, Solution.MISSING_PART,
                       {"TEH-MELATI": 1})
    await complaints.approve(store, r.id, SARI, Solution.MISSING_PART)
    await shipments.ship_follow_up(store, COURIERS, r.id, "jne", "CGK1234567890", DEWI)
    async with store.transaction() as db:
        now = store.now()
        await outbox.enqueue(db, audience="customer", chat_id=1002, kind=Kind.AFTERSALES_REMINDER,
                             order_id=other.id, now=now, payload={"what": "bank_details"})
        await outbox.enqueue(db, audience="staff", kind=Kind.COMPLAINT_NUDGE, order_id=other.id,
                             now=now, payload={"what": "complaint", "hours": 24})
    await sender.run(bot)  # type: ignore[arg-type]

    counts = await outbox.counts(store)
    assert counts.get("failed", 0) == 0 and counts.get("pending", 0) == 0
    rows = await store.fetchall("SELECT DISTINCT kind FROM outbox WHERE state = 'sent'")
    aftersales_kinds = {
        Kind.COMPLAINT_STATUS, Kind.REFUND_DUE, Kind.REFUND_PAID, Kind.CREDIT_NOTE,
        Kind.FOLLOW_UP_SHIPPED, Kind.AFTERSALES_REMINDER, Kind.COMPLAINT_CARD,
        Kind.COMPLAINT_EVIDENCE, Kind.REFUND_STAFF, Kind.COMPLAINT_NUDGE,
    }
    assert aftersales_kinds <= {r["kind"] for r in rows}
    # The card: posted once, edited afterwards (or skipped for a newer redraw).
    assert (await reads.complaint(store, c.id)).card_message_id == card
    edits = [kw for chat, kw in bot.sent("edit_message_text") if kw.get("message_id") == card]
    assert edits and "Selesai" in edits[-1]["text"]  # resolved, the last redraw
    evidence = [
        kw for chat, kw in bot.sent("send_video") + bot.sent("send_photo")
        if chat == STAFF_CHAT and f"#{order.number}" in kw["caption"]
        and "Bukti komplain" in kw["caption"]
    ]
    assert sorted(kw.get("video") or kw.get("photo") for kw in evidence) == [
        "file-photo-1", "file-video-1",
    ]
    assert all(kw["reply_parameters"].message_id == card for kw in evidence)
    proof = [kw for chat, kw in bot.sent("send_photo") if chat == 1001]
    assert [kw["photo"] for kw in proof] == ["proof-photo"]
    assert "Rp100.000" in proof[0]["caption"]
    [doc] = [kw for chat, kw in bot.sent("send_document") if chat == 1001
             and kw["document"].filename.startswith("CN-")]
    text = pypdf.PdfReader(io.BytesIO(doc["document"].input_file_content)).pages[0].extract_text()
    assert "CN/2026/11/0001" in text and "Rp100.000" in text
    follow = [kw["text"] for chat, kw in bot.sent("send_message") if chat == 1002
              and "CGK1234567890" in kw["text"]]
    assert len(follow) == 1
