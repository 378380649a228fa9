"""The customer's private chat: the menu, catalog, cart and orders (menu, catalog, cart,
orders), checkout and the "other amount" prompt (checkout, checkout_steps, checkout_place,
quantity), the follow-up answers (survey, received, delivery_check), preferences, and which
commands and buttons exist there (register, which bot/app.py calls).

Nothing is imported here, as in handlers.staff: a package loads before any of its modules.
"""
