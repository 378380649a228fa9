"""Every button's callback data, built and parsed in one place.

Each kind of button is a small frozen class with typed fields (handlers.callbacks.base), whose
fields are read strictly (handlers.callbacks.fields); the kinds are grouped by who presses
them: customer (shopping), staff (the staff group), follow_up (under the messages the bot
sends on its own). Everything is re-exported here, so handlers write `cb.OrderView`.
"""

from __future__ import annotations

from handlers.callbacks import customer, follow_up, refunds, staff
from handlers.callbacks.base import (
    ADD,
    ASK_QTY,
    CART,
    CATEGORY,
    CHECKOUT,
    DELIVERY_CHECK,
    LANGUAGE,
    MAX_BYTES,
    MENU,
    ORDERS,
    PREFERENCES,
    PRODUCT,
    RECEIVED,
    STAFF,
    STAFF_CATALOG,
    STAFF_PRODUCT,
    STAFF_QUEUE,
    SURVEY,
    Callback,
    pattern,
    unpack,
)
from handlers.callbacks.customer import (
    AddToCart,
    AskQuantity,
    CartCheckout,
    CartClear,
    CartSet,
    CartView,
    CategoryPage,
    CheckoutPayment,
    CheckoutShipping,
    CheckoutStep,
    LanguageChoice,
    MenuCategories,
    MenuHome,
    OrderCancel,
    OrderCancelConfirm,
    OrderList,
    OrderView,
    PreferenceSet,
    ProductView,
    category_key,
)
from handlers.callbacks.fields import (
    MAX_PAGE,
    MAX_SCORE,
    BadCallback,
    Coded,
    Digits,
    Flag,
    Kind,
    Text,
    one_of,
)
from handlers.callbacks.follow_up import (
    PREFERENCE_TOPICS,
    DeliveryAnswer,
    PreferenceOff,
    Received,
    SurveyScore,
    SurveySkip,
)
from handlers.callbacks.staff import (
    PRODUCT_CODES,
    STAFF_CODES,
    StaffCatalogImport,
    StaffCourier,
    StaffPress,
    StaffProductEdit,
    StaffQueuePage,
)

# Every kind of button (for tests that try them all).
ALL: tuple[type[Callback], ...] = tuple(
    dict.fromkeys(
        c
        for module in (customer, staff, follow_up, refunds)
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, Callback) and c is not Callback
    )
)

__all__ = [
    "ADD",
    "ALL",
    "ASK_QTY",
    "CART",
    "CATEGORY",
    "CHECKOUT",
    "DELIVERY_CHECK",
    "LANGUAGE",
    "MAX_BYTES",
    "MAX_PAGE",
    "MAX_SCORE",
    "MENU",
    "ORDERS",
    "PREFERENCES",
    "PREFERENCE_TOPICS",
    "PRODUCT",
    "PRODUCT_CODES",
    "RECEIVED",
    "STAFF",
    "STAFF_CATALOG",
    "STAFF_CODES",
    "STAFF_PRODUCT",
    "STAFF_QUEUE",
    "SURVEY",
    "AddToCart",
    "AskQuantity",
    "BadCallback",
    "Callback",
    "CartCheckout",
    "CartClear",
    "CartSet",
    "CartView",
    "CategoryPage",
    "CheckoutPayment",
    "CheckoutShipping",
    "CheckoutStep",
    "Coded",
    "DeliveryAnswer",
    "Digits",
    "Flag",
    "Kind",
    "LanguageChoice",
    "MenuCategories",
    "MenuHome",
    "OrderCancel",
    "OrderCancelConfirm",
    "OrderList",
    "OrderView",
    "PreferenceOff",
    "PreferenceSet",
    "ProductView",
    "Received",
    "StaffCatalogImport",
    "StaffCourier",
    "StaffPress",
    "StaffProductEdit",
    "StaffQueuePage",
    "SurveyScore",
    "SurveySkip",
    "Text",
    "category_key",
    "one_of",
    "pattern",
    "unpack",
]
