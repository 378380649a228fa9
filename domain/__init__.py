"""Business rules of the shop: models, lifecycle, services and the store. No Telegram here."""
