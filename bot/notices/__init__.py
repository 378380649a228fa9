"""How each kind of outbox message is rendered and sent: the order's messages (orders.py) and
the scheduled follow-up's (follow_up.py) and after-sales (aftersales.py). Importing this
package registers every renderer."""

from bot.notices import aftersales, follow_up, orders
from bot.notices.registry import RENDERERS, NoticeKit, Renderer, check_complete

__all__ = [
    "RENDERERS",
    "NoticeKit",
    "Renderer",
    "aftersales",
    "check_complete",
    "follow_up",
    "orders",
]
