"""Keyboards, by audience: customer (shopping), staff (the staff group) and follow_up (under
the messages the bot sends on its own). This module re-exports them all while handlers and
bot/ still import `handlers.keyboards`; new code imports the audience's module."""

from __future__ import annotations

from handlers.keyboards.customer import (
    cart,
    categories,
    category_page,
    checkout_nav,
    confirm,
    confirm_cancel,
    languages,
    main_menu,
    order_detail,
    orders_list,
    payment,
    preferences,
    product,
    share_phone,
    shipping,
    survey_comment,
)
from handlers.keyboards.follow_up import (
    cart_reminder,
    delivery_check,
    order_notice,
    payment_reminder,
    shipped_notice,
    survey_scores,
)
from handlers.keyboards.staff import (
    staff_couriers,
    staff_nudge,
    staff_open_orders,
    staff_order_actions,
    staff_queue,
)

__all__ = [
    "cart",
    "cart_reminder",
    "categories",
    "category_page",
    "checkout_nav",
    "confirm",
    "confirm_cancel",
    "delivery_check",
    "languages",
    "main_menu",
    "order_detail",
    "order_notice",
    "orders_list",
    "payment",
    "payment_reminder",
    "preferences",
    "product",
    "share_phone",
    "shipped_notice",
    "shipping",
    "staff_couriers",
    "staff_nudge",
    "staff_open_orders",
    "staff_order_actions",
    "staff_queue",
    "survey_comment",
    "survey_scores",
]
