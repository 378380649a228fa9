"""The feedback survey in the private chat: score buttons, then an optional typed comment
(the staff read the scores with `/nps`: handlers.staff.reports).

The comment step is a small persistent conversation ("survey"), so a restart between the
score and the comment loses nothing. Whether an answer counts is decided by the domain (one
survey per order, the customer's own, while open); the conversation only routes the text.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.errors import DomainError, InvalidInput, NotFound
from domain.schedule import surveys
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer import menu
from handlers.keyboards import customer as kb
from handlers.pressed import button

COMMENT = "comment"
END = ConversationHandler.END
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
PENDING = "survey_comment"  # user_data: the order number whose comment we wait for


async def _refuse(screen: Screen, error: DomainError) -> None:
    """Politely, in an alert on the pressed button. Someone else's survey answers exactly
    like a missing one."""
    if isinstance(error, NotFound):
        text = screen.deps.messages.error(screen.lang, "survey_unknown")
        await screen.answer(text, alert=True)
        return
    await screen.fail(error)


@button(cb.SurveyScore)
async def score_button(update: Update, context: Context, data: cb.SurveyScore) -> str | int:
    screen = await Screen.of(update, context)
    try:
        survey = await surveys.record_score(
            screen.deps.store,
            screen.who.user_id,
            data.number,
            data.score,
            window=screen.deps.schedule.comment_window,
        )
    except DomainError as exc:
        await _refuse(screen, exc)
        return END
    context.user_data[PENDING] = survey.number  # type: ignore[index]
    await screen.answer()
    await screen.show(
        screen.render(
            "survey_comment_prompt",
            score=survey.score,
            category=survey.category,
            max=surveys.MAX_COMMENT,
        ),
        kb.survey_comment(screen.deps.messages, screen.lang, survey.number),
    )
    return COMMENT


async def comment_text(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    number = context.user_data.get(PENDING)  # type: ignore[union-attr]
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    if not number:
        return await _not_a_comment(update, context)
    try:
        await surveys.record_comment(
            screen.deps.store,
            screen.who.user_id,
            number,
            text,
            window=screen.deps.schedule.comment_window,
        )
    except InvalidInput as exc:  # too long or empty: ask again, keep waiting
        await screen.fail(exc)
        return COMMENT
    except DomainError:  # the comment time is over: this text is about something else
        return await _not_a_comment(update, context)
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    screen.deps.kick()
    await screen.send(screen.render("survey_thanks", number=number))
    return END


async def _not_a_comment(update: Update, context: Context) -> int:
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    await menu.not_understood(update, context)
    return END


@button(cb.SurveySkip)
async def skip_button(update: Update, context: Context, data: cb.SurveySkip) -> str | int:
    screen = await Screen.of(update, context)
    try:
        survey = await surveys.skip_comment(
            screen.deps.store,
            screen.who.user_id,
            data.number,
            window=screen.deps.schedule.comment_window,
        )
    except DomainError as exc:
        await _refuse(screen, exc)
        return END
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    screen.deps.kick()
    await screen.answer()
    await screen.show(screen.render("survey_thanks", number=survey.number))
    return END


async def cancel_comment(update: Update, context: Context) -> int:
    """/cancel while we wait for a comment: the same as skipping it."""
    screen = await Screen.of(update, context)
    number = context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    if not number:
        return await _not_a_comment(update, context)
    with contextlib.suppress(DomainError):  # closed meanwhile: nothing left to skip
        await surveys.skip_comment(
            screen.deps.store,
            screen.who.user_id,
            number,
            window=screen.deps.schedule.comment_window,
        )
        screen.deps.kick()
    await screen.send(screen.render("survey_thanks", number=number))
    return END


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    # Prefix patterns: whatever follows is parsed strictly (bad data answers "out of date").
    score = CallbackQueryHandler(score_button, pattern=rf"^{cb.SURVEY}:(?!skip(:|$))")
    skip = CallbackQueryHandler(skip_button, pattern=cb.SurveySkip.pattern())
    return ConversationHandler(
        name="survey",
        persistent=True,
        allow_reentry=True,
        entry_points=[score, skip],
        states={COMMENT: [MessageHandler(TEXT, comment_text)]},
        fallbacks=[CommandHandler("cancel", cancel_comment, filters=PRIVATE)],
    )
