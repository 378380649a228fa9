"""One table of staff actions on orders: which service each calls and what it takes. Typed
commands, card buttons and answers to the bot's prompts all go through it, so a new action
is one row here (and its words in messages/: the staff_prompt, staff_done and staff_toast
templates speak per action)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from telegram import Update

from domain.actors import Actor
from domain.dedupe import MessageKey
from domain.errors import DomainError, InvalidInput, StaleAction
from domain.fulfilment import prompts
from domain.fulfilment.desk import OrderDesk, Result
from domain.ordering.staff_actions import TARGET, Action
from handlers.common import Context
from handlers.keyboards import staff as kb
from handlers.staff.cards import ask, order_actions, set_markup, toast_done
from handlers.staff.desk import Desk, command_text, show_usage


class Needs(Enum):
    """What an action takes besides the order number, and so how each path gets it."""

    NOTHING = "nothing"  # /pack <no>; a press does it
    # /verify <no> [note]; a press does it, and asks for the note when the service will not
    # do without one (ActionSpec.ask_on)
    OPTIONAL_TEXT = "optional_text"
    TEXT = "text"  # /reject <no> <reason>; a press asks for the text first
    # /ship <no> <courier…> <tracking no> (or /ship <no> <courier without tracking>); a press
    # offers the couriers, then asks for the tracking number when the courier has one
    SHIPMENT = "shipment"


@dataclass(frozen=True, slots=True)
class Request:
    """One staff action on one order, however it was asked for."""

    number: str
    actor: Actor
    text: str | None = None  # the note, reason or tracking number
    courier: str | None = None
    source: MessageKey | None = None  # the typed message, so a redelivered one counts once


Call = Callable[[OrderDesk, Request], Awaitable[Result]]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    call: Call
    command: str  # typed as /<command>
    needs: Needs = Needs.NOTHING
    toast: str = "done"  # the staff_toast kind that confirms a press
    ask_on: str | None = None  # OPTIONAL_TEXT: the service's error code for "not without it"


# In the command menu's order.
ACTIONS: dict[Action, ActionSpec] = {
    Action.VERIFY: ActionSpec(
        lambda flow, r: flow.verify(r.number, r.actor, r.text),
        "verify",
        Needs.OPTIONAL_TEXT,
        ask_on="receipt_missing",  # a transfer without a receipt: staff vouch in a note
    ),
    Action.REJECT: ActionSpec(
        lambda flow, r: flow.reject(r.number, r.actor, r.text or ""), "reject", Needs.TEXT
    ),
    Action.PACK: ActionSpec(lambda flow, r: flow.pack(r.number, r.actor), "pack"),
    Action.SHIP: ActionSpec(
        lambda flow, r: flow.ship(r.number, r.actor, r.courier or "", r.text),
        "ship",
        Needs.SHIPMENT,
    ),
    Action.INVOICE: ActionSpec(
        lambda flow, r: flow.invoice(r.number, r.actor, source=r.source),
        "invoice",
        toast="invoice",
    ),
    Action.DELIVER: ActionSpec(lambda flow, r: flow.deliver(r.number, r.actor), "deliver"),
    Action.CANCEL: ActionSpec(
        lambda flow, r: flow.cancel(r.number, r.actor, r.text or ""), "cancelorder", Needs.TEXT
    ),
    Action.NOTE: ActionSpec(
        lambda flow, r: flow.note(r.number, r.actor, r.text or "", source=r.source),
        "note",
        Needs.TEXT,
    ),
}


def done_text(desk: Desk, action: Action, result: Result, text: str | None) -> str:
    return desk.render(
        "staff_done",
        action=action,
        order=result.order,
        invoice=result.invoice,
        resent=result.resent,
        note=text,
        actor_name=desk.actor.name,
    )


# ---------------------------------------------------------------- typed commands


def read_command(desk: Desk, update: Update, needs: Needs) -> Request | None:
    """The request a typed command makes, or None when it is not written as the usage says."""
    actor, source = desk.actor, desk.message_key
    if needs is Needs.SHIPMENT:
        words = command_text(update, 99)
        if len(words) == 2 and desk.deps.couriers.get(words[1]) is not None:
            return Request(words[0], actor, None, words[1], source)
        if len(words) >= 3:
            return Request(words[0], actor, words[-1], " ".join(words[1:-1]), source)
        return None
    if needs is Needs.NOTHING:
        args = command_text(update, 1)
        if len(args) != 1 or len(args[0].split()) != 1:
            return None
        return Request(args[0], actor, source=source)
    args = command_text(update, 2)
    if len(args) < (2 if needs is Needs.TEXT else 1):
        return None
    return Request(args[0], actor, args[1] if len(args) > 1 else None, source=source)


async def typed_command(update: Update, context: Context, *, action: Action) -> None:
    """/<command> …: do it, then confirm or explain in a reply."""
    desk = Desk(update, context)
    spec = ACTIONS[action]
    request = read_command(desk, update, spec.needs)
    if request is None:
        await show_usage(desk, spec.command)
        return
    try:
        result = await spec.call(desk.flow, request)
    except DomainError as exc:
        await desk.fail(exc)
        return
    desk.kick()
    await desk.reply(done_text(desk, action, result, request.text))


# ---------------------------------------------------------------- card buttons


async def press(desk: Desk, action: Action, number: str) -> None:
    """The action's button on a card: done now, or a question first. Domain errors rise."""
    spec, flow = ACTIONS[action], desk.flow
    if spec.needs is Needs.TEXT:
        await ask(desk, await flow.precheck(number, TARGET.get(action)), action)
        return
    if spec.needs is Needs.SHIPMENT:
        order = await flow.precheck(number, TARGET[action])
        await desk.answer(desk.render("staff_toast", kind="couriers", order=order))
        couriers = desk.deps.couriers
        await set_markup(desk, kb.staff_couriers(desk.deps.messages, desk.lang, order, couriers))
        return
    try:
        result = await spec.call(flow, Request(number, desk.actor, source=desk.message_key))
    except InvalidInput as exc:
        if spec.ask_on is None or exc.code != spec.ask_on:
            raise
        await ask(desk, await flow.precheck(number, TARGET.get(action)), action)
        return
    await toast_done(desk, result, spec.toast)


async def press_courier(desk: Desk, number: str, code: str) -> None:
    """Ship, second press: the courier. Done, or a question for its tracking number."""
    courier = desk.deps.couriers.get(code)
    if courier is None:
        raise StaleAction()
    order = await desk.flow.precheck(number, TARGET[Action.SHIP])
    await set_markup(desk, order_actions(desk, order))
    if courier.tracking_required:
        await ask(desk, order, Action.SHIP, courier=courier.code)
        return
    request = Request(number, desk.actor, courier=courier.code)
    await toast_done(desk, await ACTIONS[Action.SHIP].call(desk.flow, request), "done")


# ---------------------------------------------------------------- prompt answers


async def answer_prompt(desk: Desk, prompt: prompts.Prompt, number: str, text: str) -> str:
    """The text replied to the bot's question does the action; the confirmation to show."""
    request = Request(number, desk.actor, text, prompt.courier, desk.message_key)
    result = await ACTIONS[prompt.action].call(desk.flow, request)
    return done_text(desk, prompt.action, result, text)
