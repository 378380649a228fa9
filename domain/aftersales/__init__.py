"""After-sales (pasca-penjualan): complaints and returns with evidence, per-line inspection
(resellable back to stock, damaged written off), refunds with the customer's bank details and
the staff's proof, credit notes, follow-up shipments and refused COD parcels.

This package's __init__ imports nothing on purpose: domain/ordering/transitions.py imports
refund_due.py (a paid order called off opens a refund), so importing a submodule must not pull
the services (which import domain/ordering) in with it. Import the modules themselves.

API (every service takes a Store and primitives; each write is ONE BEGIN IMMEDIATE transaction:
compare-and-set on the status read + timeline event + what it triggers + outbox notices)

Values the composition root passes in (settings are the others' part):
- windows.ReturnPolicy(return_window=RETURN_WINDOW (48h), change_of_mind=
  RETURN_CHANGE_OF_MIND (False), change_of_mind_window=RETURN_CHANGE_OF_MIND_WINDOW (7 days));
  .reasons_open(delivered_at, now) -> reasons to offer (empty: no "Ajukan komplain" button),
  .may_complain(...), .check(reason, delivered_at, now) -> window end or InvalidInput.
- cod.cod_offered(refusals, COD_MAX_REFUSALS) / cod.cod_allowed(store, user_id, max) -> bool
  (None or 0 = off); cod.refusals_of(store, user_id) -> int (show on the next order's card).
- fulfilment Issuer (for credit notes) and CourierBook (return / follow-up tracking).

Models (models.py): ComplaintReason (not_received, incomplete, wrong_item, damaged,
not_as_described, change_of_mind, cod_refused [staff only]); CUSTOMER_REASONS; Solution
(refund_only, return_refund, replacement, missing_part, return_to_sender [staff only]);
SOLUTIONS_FOR[reason] (what a customer may ask / staff may approve); ComplaintStatus (open,
needs_evidence, approved, return_in_transit, inspected, resolved, rejected); RefundStatus
(awaiting_details, ready, paid, cancelled); ClaimLine(sku, quantity); NewEvidence(file_id,
file_unique_id, kind photo|video); Complaint (+ .lines ComplaintLine with resellable/damaged/
uninspected), Refund (+ .bank BankDetails with .masked_number), FollowUpShipment, ComplaintView,
AftersalesEvent. lifecycle.py holds the tables (COMPLAINT_TRANSITIONS, REFUND_TRANSITIONS,
UNDECIDED = statuses where approve/reject/ask-evidence apply, EVIDENCE_OPEN, REFUND_EDITABLE).

Customer (complaints.py, refunds.py):
- open_complaint(store, policy, user_id, name, order_number, reason, solution, lines:
  [ClaimLine], evidence: [NewEvidence], description=None) -> Complaint. Rules: order delivered
  and theirs (NotFound), within the reason's window, solution in SOLUTIONS_FOR[reason], lines
  from the order, 1..(ordered - claimed by earlier non-rejected complaints), evidence required
  except for not_received. ONE OPEN COMPLAINT PER ORDER (a partial unique index; a second:
  `complaint_already_open`); after it closes a new one may claim the units left.
  Emits COMPLAINT_STATUS(to=open) to the customer, COMPLAINT_CARD + COMPLAINT_EVIDENCE (each
  file) to staff.
- add_evidence(store, user_id, name, complaint_id, NewEvidence) -> (Complaint, added). Only
  while open/needs_evidence (else StaleAction); same file again: added=False. After
  needs_evidence it moves back to open (COMPLAINT_STATUS). Emits COMPLAINT_EVIDENCE, card.
- record_return_shipment(store, couriers, complaint_id, courier, tracking, actor, user_id=None)
  -> Complaint: approved/return_in_transit with a return expected; -> return_in_transit
  (again with other values: a correction). courier_unknown / tracking_invalid as for orders.
- refunds.last_bank_details(store, user_id) -> BankDetails | None (offer "use last ones");
  give_bank_details(store, user_id, name, refund_id, bank, number, holder) -> Refund (READY;
  bank.py validates: bank_name_invalid, account_number_invalid, account_number_length,
  wallet_number_invalid, account_holder_invalid); reuse_bank_details(store, user_id, name,
  refund_id) (bank_details_none). Emits REFUND_STAFF(event=details).

Staff (complaints.py, inspection.py, shipments.py, refunds.py, cod.py); actor = domain Actor:
- complaints.approve(store, complaint_id, actor, solution, refund_amount=None) -> Complaint.
  refund_only/return_refund: opens the refund (proposed by amounts.proposed_refund: claimed
  lines + the shipping fee when the shop was at fault, capped by what is left) -> REFUND_DUE
  (customer: give bank details) + REFUND_STAFF(due). replacement/missing_part: reserves the
  claimed lines' stock now (OutOfStock/OffSale: nothing approved) and a follow-up shipment
  (reserved). return_refund / replacement / return_to_sender expect the goods back
  (Complaint.expects_return), except for not_received. Emits COMPLAINT_STATUS(to=approved,
  solution), card. Resolution is automatic (resolution.resolve_if_done): return inspected if
  expected, refund paid/cancelled if owed, follow-up parcel shipped if due.
- complaints.reject(store, id, actor, reason) / ask_evidence(store, id, actor, what): the text
  is told to the customer (COMPLAINT_STATUS note=...). complaints.note(...): staff only.
- complaints.set_card_message(store, complaint_id, message_id) (the card renderer stores it).
- inspection.inspect(store, complaint_id, sku, resellable, damaged, actor) -> Complaint:
  compare-and-set on the line's uninspected units; resellable -> stock.return_to_shelf
  (movement "return"), damaged -> stock.write_off (movement "write_off", delta 0). Pressed
  twice / by two people: AlreadyDone naming who; more than left: inspection_quantity_invalid.
  All units judged -> inspected (COMPLAINT_STATUS) -> resolved if nothing else is owed.
- shipments.ship_follow_up(store, couriers, complaint_id, courier, tracking, actor) ->
  FollowUpShipment: reserved -> shipped, stock leaves (movement "replacement"),
  FOLLOW_UP_SHIPPED to the customer; same values again: no-op; other values: correction.
  shipments.follow_ups_of_order(store, order_id) for /track.
- refunds.set_amount(store, refund_id, amount, actor) (refund_amount_too_large/invalid;
  REFUND_DUE changed=True to the customer); refunds.mark_paid(store, refund_id, actor,
  proof_file_id, issuer, default_language="id") -> Paid(refund, credit_note): needs READY
  (refund_details_missing) and, for a return, the inspection (refund_before_inspection);
  issues the credit note CN/YYYY/MM/NNNN (gap-free per month in the issuer's zone) in the
  same transaction; emits REFUND_PAID (proof photo) + CREDIT_NOTE (PDF) to the customer,
  REFUND_STAFF(paid); a cancelled order's refund sets its payment to "refunded"; the
  complaint resolves if nothing else is owed. Pressed again: AlreadyDone.
  refunds.cancel(store, refund_id, actor, reason).
- cod.mark_returned_to_sender(store, order_number, actor, return_cost=None, note=None) ->
  Complaint (reason cod_refused, solution return_to_sender, status return_in_transit, every
  order line): shipped COD order -> cancelled (transitions.return_to_sender, the one move
  outside the order table), no refund, shop_costs outbound (the order's fee) + return
  (`return_cost` or the same fee), customer's cod_refusals + 1; then inspect() as a return.
  rts_not_cod, rts_cost_invalid, AlreadyDone, TransitionNotAllowed.
- Order lifecycle change: a PAID order cancelled or rejected now opens a refund
  (awaiting_details, amount = order total) in the same transaction (refund_due.open_refund).

Reads (reads.py, credit_notes.py): complaint(store, id); complaint_for_order(store, order_id)
(open one, else newest, else None); complaint_view(store, id, Audience) (evidence, refund,
shipment, events filtered: staff notes, costs, refusals never reach a customer);
order_timeline(store, order_id, Audience); refunds_of_order; parse_status(text) for
`/returns [status]` (complaint_status_unknown); returns(store, status=None) oldest first
(default: every open status); waiting_for_staff(store, older_than=24h);
owing_return_shipment(store, 24h); owing_bank_details(store, 24h); refunds_overdue(store, 48h)
(digest); open_complaints_of(store, user_id) / open_refunds_of(store, user_id) (what a photo,
tracking number or bank details sent in chat are for, newest first);
follow_up_by_tracking(store, user_id, tracking) for /track. credit_notes.by_number /
of_period / for_refund; messages/credit_note_pdf.py
render_credit_note(note, messages) -> bytes.

Outbox kinds (domain/outbox.py; renderers in bot/notices/aftersales.py, templates
messages/templates/*/aftersales_*.html): customer COMPLAINT_STATUS {complaint_id, to, note?,
solution?, courier?, tracking?, rts?}, REFUND_DUE {refund_id, amount, changed?}, REFUND_PAID
{refund_id, amount, credit_note, file_id}, CREDIT_NOTE {number}, FOLLOW_UP_SHIPPED
{shipment_id, courier, tracking, corrected?}, AFTERSALES_REMINDER {what: return_shipment |
bank_details} (queued by the scheduling work); staff COMPLAINT_CARD {complaint_id} (a plain
card now: the staff work replaces its renderer and adds buttons), COMPLAINT_EVIDENCE
{complaint_id, file_id, kind}, REFUND_STAFF {refund_id, amount, event: due | details | inspected
(the return judged after the details came: payable now) | amount | paid | cancelled,
credit_note?}, COMPLAINT_NUDGE {what: complaint | refund, hours}.

Errors: domain.errors NotFound, InvalidInput(code), StaleAction, TransitionNotAllowed,
AlreadyDone (context: number, status, actor_name, at, complaint_id/refund_id), OutOfStock,
OffSale; every InvalidInput code has a sentence in messages/templates/*/errors.html.
Timeline audiences: timeline.AUDIENCE (an unknown kind is staff only).
"""
