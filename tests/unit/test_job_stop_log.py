"""A job cancelled by the bot's stop is not an error in the log (APScheduler says it is)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from bot.jobs import EXECUTOR_LOGGER, STOP_IS_NOT_AN_ERROR


def _log_job_end(exc: BaseException) -> None:
    logger = logging.getLogger(EXECUTOR_LOGGER)
    try:
        raise exc
    except BaseException:
        logger.exception('Job "%s" raised an exception', "outbox (trigger: interval)")


@pytest.fixture
def executor_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    logger = logging.getLogger(EXECUTOR_LOGGER)
    logger.addFilter(STOP_IS_NOT_AN_ERROR)
    caplog.set_level(logging.INFO, logger=EXECUTOR_LOGGER)
    yield caplog
    logger.removeFilter(STOP_IS_NOT_AN_ERROR)


def test_a_job_cancelled_by_the_stop_is_told_at_info_without_a_traceback(
    executor_log: pytest.LogCaptureFixture,
) -> None:
    _log_job_end(asyncio.CancelledError())
    (record,) = executor_log.records
    assert record.levelname == "INFO" and record.exc_info is None
    assert record.getMessage() == "outbox (trigger: interval) stopped with the bot"


def test_a_job_that_failed_is_still_an_error(executor_log: pytest.LogCaptureFixture) -> None:
    _log_job_end(RuntimeError("database is locked"))
    (record,) = executor_log.records
    assert record.levelname == "ERROR" and record.exc_info is not None
