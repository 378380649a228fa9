"""The scheduled follow-up: one run over everything due (passes), how long it waits for what
and how it queues (policy), quiet hours, what a customer lets it send (preferences), and each
pass: payment reminders, delivery checks, staff nudges, cart reminders, surveys, the digest."""
