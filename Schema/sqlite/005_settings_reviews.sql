-- 005_settings_reviews.sql — projections of the entries 004 allows. Never edit once shipped: add 006_….sql.

-- Settings chosen by journal entries: `default_target` (the target reports use when none is named, `target-default`)
-- and `amount_confirm_fen` (the amount above which a registration needs --confirm-amount, `setting`).
CREATE TABLE ledger_settings (
    key   TEXT PRIMARY KEY CHECK (key = 'default_target' OR key = 'amount_confirm_fen'),
    value TEXT NOT NULL,
    seq   INTEGER NOT NULL                       -- the entry that chose it
);

-- Data-quality findings an auditor reviewed (`check ack`): the last review of each finding; who and when are
-- the entry's (`entries.operator`, `entries.at` of `seq`).
CREATE TABLE finding_reviews (
    finding  TEXT PRIMARY KEY,                   -- the finding's id as `check` prints it, e.g. double-pledge:ZL201710601862.3
    reason   TEXT NOT NULL,
    seq      INTEGER NOT NULL                    -- the entry that recorded the review
);

-- Active registrations by maturity: `report progress` shows those past maturity apart from the outstanding balance
-- (few rows, read without touching the others).
CREATE INDEX registrations_active_by_maturity ON registrations(maturity, ip_type, amount_fen) WHERE status = 'active';

-- A target may count one park's or one prefecture's registrations only (NULL: the whole province).
ALTER TABLE targets ADD COLUMN park TEXT;
ALTER TABLE targets ADD COLUMN prefecture_code TEXT;
