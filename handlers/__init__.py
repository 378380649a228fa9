"""python-telegram-bot handlers: thin adapters from updates to domain services and templates."""
