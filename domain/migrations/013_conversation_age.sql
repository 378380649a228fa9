-- A conversation left at one step longer than CONVERSATION_TIMEOUT is over (the customer is
-- told once; their next text is not taken as an answer days later): when its state last
-- changed. Conversations open at the upgrade count from then.
ALTER TABLE ptb_conversations ADD COLUMN updated_at TEXT;
UPDATE ptb_conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now');
