"""Every text a person reads: jinja2 templates per language and the helpers that render them."""

from messages.render import Messages

__all__ = ["Messages"]
