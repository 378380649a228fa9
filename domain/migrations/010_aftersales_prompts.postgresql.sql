-- PostgreSQL: the same as 010_aftersales_prompts.sql, with strpos() for SQLite's instr().
-- The bot's questions in the staff group about a complaint or a refund (issue 9): staff answer
-- by replying to that message. Until now a complaint's question was stored in staff_prompts
-- under the nearest order action (its CHECK allows order actions only) with the question
-- encoded in `courier` ('cs:<ask>:<complaint id>[:<extra>]'), and a refund's question lived in
-- the staff group's chat data. Both get their own rows here, told apart by `subject`.
CREATE TABLE aftersales_prompts (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id),
    subject TEXT NOT NULL CHECK (subject IN ('complaint', 'refund')),
    subject_id BIGINT NOT NULL,  -- complaints.id or refunds.id
    ask TEXT NOT NULL CHECK (
        (subject = 'complaint'
         AND ask IN ('reject', 'evidence', 'return', 'follow_up', 'inspect', 'note'))
        OR (subject = 'refund' AND ask IN ('paid', 'amount', 'cancel'))
    ),
    extra TEXT,  -- a courier code, or "line.units left" for a split inspection
    created_by BIGINT,
    created_at TEXT NOT NULL,
    closed_at TEXT,  -- answered, or overtaken by another change
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX aftersales_prompts_open ON aftersales_prompts(subject, subject_id)
    WHERE closed_at IS NULL;

-- The complaint questions kept in staff_prompts move here (open or closed: a late reply to a
-- closed one still hears that it is closed).
INSERT INTO aftersales_prompts (chat_id, message_id, order_id, subject, subject_id, ask, extra,
                                created_by, created_at, closed_at)
WITH split AS (
    SELECT chat_id, message_id, order_id, created_by, created_at, closed_at,
           substr(courier, 4, strpos(substr(courier, 4), ':') - 1) AS ask,
           substr(substr(courier, 4), strpos(substr(courier, 4), ':') + 1) AS rest
    FROM staff_prompts
    WHERE courier LIKE 'cs:%:%'
)
SELECT chat_id, message_id, order_id, 'complaint',
       CAST(CASE strpos(rest, ':') WHEN 0 THEN rest ELSE substr(rest, 1, strpos(rest, ':') - 1)
            END AS BIGINT),
       ask,
       CASE strpos(rest, ':') WHEN 0 THEN NULL ELSE substr(rest, strpos(rest, ':') + 1) END,
       created_by, created_at, closed_at
FROM split
WHERE ask IN ('reject', 'evidence', 'return', 'follow_up', 'inspect', 'note');
DELETE FROM staff_prompts WHERE courier LIKE 'cs:%:%';
