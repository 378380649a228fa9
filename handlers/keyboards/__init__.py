"""Keyboards, by audience, beside the button data they carry (handlers.callbacks): customer
(shopping), staff (the staff group) and follow_up (under the messages the bot sends on its
own, rendered by bot/notices); base makes every button. Import the audience's module."""
