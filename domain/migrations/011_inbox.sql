-- The inbox (issues 11 and 12): every update Telegram delivers is written here before
-- Telegram is told it arrived (the webhook's 200, the next getUpdates offset), and handled
-- from here. `lane` is the chat the update belongs to (else its user; 0 for neither): one
-- lane's updates are handled one at a time and in update_id order, by whichever worker holds
-- the lane's lease (`worker`, `lease_until`); a worker that dies stops renewing and another
-- takes the lane once the lease has run out. Done rows are kept UPDATE_RETENTION, then pruned.
CREATE TABLE inbox (
    update_id INTEGER NOT NULL,
    lane INTEGER NOT NULL,
    payload TEXT NOT NULL,  -- the update as Telegram sent it (JSON)
    received_at TEXT NOT NULL,
    worker TEXT,
    lease_until TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,  -- times claimed: above 1 means a worker died on it
    done_at TEXT,
    outcome TEXT CHECK (outcome IN ('handled', 'dropped', 'interrupted', 'failed')),
    PRIMARY KEY (update_id)
);
CREATE INDEX inbox_waiting ON inbox(lane, update_id) WHERE done_at IS NULL;
CREATE INDEX inbox_done ON inbox(done_at) WHERE done_at IS NOT NULL;
