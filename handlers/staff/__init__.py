"""The staff group's handlers: the Desk every one of them works through (desk), orders and
their cards (orders, cards, actions), look-ups and stock (lists), reports (reports), and
which commands and buttons exist there (register).

Nothing is imported here: handlers.pressed imports the Desk, and the handlers import
handlers.pressed, so this package must load without its modules.
"""
