-- 001_initial.sql — the first schema of a pledge ledger. Never edit once shipped: add 002_….sql.
-- Read Schema/README.md for the meaning of every table and the canonical payload.

-- The append-only journal: one row per change. Everything else in this file can be rebuilt from it.
CREATE TABLE entries (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),      -- 1, 2, 3, … without gaps
    at        TEXT    NOT NULL,                          -- UTC time of the write, 2024-03-05T08:00:00.000Z
    operator  TEXT    NOT NULL,                          -- who made the change
    kind      TEXT    NOT NULL CHECK (kind IN ('reference', 'target', 'register', 'correct', 'void',
                                                'release', 'default', 'extend', 'period-close')),
    reg_no    TEXT,                                      -- the 登记号 concerned, NULL for ledger-wide entries
    payload   TEXT    NOT NULL,                          -- the canonical entry (compact JSON, sorted keys)
    prev_hash TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT    NOT NULL CHECK (length(hash) = 64)     -- hex SHA-256(prev_hash ‖ payload)
);
CREATE INDEX entries_by_reg_no ON entries(reg_no) WHERE reg_no IS NOT NULL;

-- The journal only grows: each new row continues the chain, and no row changes or disappears.
CREATE TRIGGER entries_append_only_seq BEFORE INSERT ON entries
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM entries)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM entries WHERE seq = NEW.seq - 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'entries: a new entry must continue the chain (seq = last + 1, prev_hash = last hash)');
END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries is append-only: rows cannot be changed');
END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries is append-only: rows cannot be deleted');
END;

-- Reference lists (loaded by `pledge init` as one 'reference' entry).
CREATE TABLE prefectures (
    code  TEXT PRIMARY KEY CHECK (length(code) = 6),     -- GB/T 2260, 620100 …
    name  TEXT NOT NULL UNIQUE,
    short TEXT NOT NULL UNIQUE
);
CREATE TABLE parks (
    name            TEXT PRIMARY KEY,
    prefecture_code TEXT NOT NULL REFERENCES prefectures(code),
    level           TEXT NOT NULL
);
CREATE TABLE park_aliases (
    alias TEXT PRIMARY KEY,
    park  TEXT NOT NULL REFERENCES parks(name)
);
CREATE TABLE banks (
    name TEXT PRIMARY KEY
);
CREATE TABLE bank_aliases (
    alias TEXT PRIMARY KEY,
    bank  TEXT NOT NULL REFERENCES banks(name)
);

-- Targets ('target' entries). ip_type NULL counts every type of right.
CREATE TABLE targets (
    name       TEXT PRIMARY KEY,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL CHECK (to_date >= from_date),
    ip_type    TEXT CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    seq        INTEGER NOT NULL                          -- the entry that set it
);

-- One row per 登记号 with its current state (projection of register/correct/void/release/default/extend).
CREATE TABLE registrations (
    reg_no          TEXT PRIMARY KEY CHECK (length(reg_no) BETWEEN 1 AND 40),
    reg_date        TEXT NOT NULL CHECK (reg_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    ip_type         TEXT NOT NULL CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    uscc            TEXT NOT NULL CHECK (length(uscc) = 18),
    uscc_override   INTEGER NOT NULL CHECK (uscc_override IN (0, 1)),  -- accepted with --allow-bad-uscc
    enterprise      TEXT NOT NULL,
    bank            TEXT NOT NULL,
    branch          TEXT,
    amount_fen      INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    ip_numbers      TEXT NOT NULL,                       -- canonical numbers joined by ';'
    park            TEXT,
    prefecture_code TEXT,
    maturity        TEXT,
    rate            TEXT,                                -- annual rate in percent, e.g. '3.85'
    rywq            INTEGER NOT NULL CHECK (rywq IN (0, 1)),        -- 入园惠企
    first_loan      INTEGER NOT NULL CHECK (first_loan IN (0, 1)),  -- 首贷
    insured         INTEGER NOT NULL CHECK (insured IN (0, 1)),     -- 保险
    notes           TEXT,
    status          TEXT NOT NULL CHECK (status IN ('active', 'released', 'defaulted', 'void')),
    status_date     TEXT,                                -- date of release / default
    late            INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),  -- registered into a closed period
    created_seq     INTEGER NOT NULL,
    updated_seq     INTEGER NOT NULL
);
-- Covering the statistic's filters, so counts over a date range (partial months, enterprises served)
-- read the index alone.
CREATE INDEX registrations_by_date ON registrations(reg_date, ip_type, status, amount_fen, uscc);
CREATE INDEX registrations_by_park ON registrations(park, reg_date) WHERE park IS NOT NULL;
CREATE INDEX registrations_by_bank ON registrations(bank, reg_date);
CREATE INDEX registrations_by_uscc ON registrations(uscc);
CREATE INDEX registrations_by_prefecture ON registrations(prefecture_code, reg_date) WHERE prefecture_code IS NOT NULL;

-- The rights each registration pledges (canonical numbers: ZL201710601862.3, 12345678, …).
CREATE TABLE registration_rights (
    ip_number TEXT NOT NULL,
    reg_no    TEXT NOT NULL REFERENCES registrations(reg_no),
    PRIMARY KEY (ip_number, reg_no)
) WITHOUT ROWID;
CREATE INDEX registration_rights_by_reg_no ON registration_rights(reg_no);

-- Enterprises by USCC with the name last written for them.
CREATE TABLE enterprises (
    uscc TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- The financing statistic per month and group, maintained on every write: the sum of amount_fen and
-- the count of non-void registrations. park/prefecture_code are '' when not recorded.
CREATE TABLE monthly_totals (
    month           TEXT NOT NULL,                       -- substr(reg_date, 1, 7)
    ip_type         TEXT NOT NULL,
    prefecture_code TEXT NOT NULL,
    park            TEXT NOT NULL,
    bank            TEXT NOT NULL,
    rywq            INTEGER NOT NULL,
    first_loan      INTEGER NOT NULL,
    registrations   INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL,
    PRIMARY KEY (month, ip_type, prefecture_code, park, bank, rywq, first_loan)
) WITHOUT ROWID;

-- Count and amount per IP type and current status (outstanding balance = active), maintained on every write.
CREATE TABLE status_totals (
    ip_type       TEXT NOT NULL,
    status        TEXT NOT NULL,
    registrations INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (ip_type, status)
) WITHOUT ROWID;

-- Closed months ('period-close' entries): the journal head at closing and the month's frozen totals.
CREATE TABLE periods (
    month         TEXT PRIMARY KEY,                      -- YYYY-MM
    seq           INTEGER NOT NULL,                      -- the period-close entry
    head_seq      INTEGER NOT NULL,                      -- journal head when the month was closed
    head_hash     TEXT NOT NULL,
    registrations INTEGER NOT NULL,                      -- the month's frozen count (every IP type)
    amount_fen    INTEGER NOT NULL                       -- the month's frozen amount (every IP type)
);
-- The closed month's monthly_totals rows as they were at closing (what `report monthly --as-closed` reads).
CREATE TABLE period_totals (
    month           TEXT NOT NULL REFERENCES periods(month),
    ip_type         TEXT NOT NULL,
    prefecture_code TEXT NOT NULL,
    park            TEXT NOT NULL,
    bank            TEXT NOT NULL,
    rywq            INTEGER NOT NULL,
    first_loan      INTEGER NOT NULL,
    registrations   INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL,
    PRIMARY KEY (month, ip_type, prefecture_code, park, bank, rywq, first_loan)
) WITHOUT ROWID;
