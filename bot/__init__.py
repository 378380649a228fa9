"""Telegram side of the shop bot: settings, composition root, CLI, jobs, outbound sending."""
