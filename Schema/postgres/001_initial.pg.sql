-- 001_initial.pg.sql — the PostgreSQL ledger: the same tables, columns, keys and rules as Schema/sqlite/001…015 together.
-- Never edit once shipped: add the next migration to both folders (Schema/Schema.swift lists them).
-- Text is compared and sorted as bytes (COLLATE "C"), as SQLite does; integers (fen, counts, 0/1 flags) are bigint.

CREATE TABLE pledge_migrations (
    identifier TEXT COLLATE "C" PRIMARY KEY          -- the migrations applied, as SQLite's grdb_migrations lists them
);

CREATE TABLE entries (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 1),   -- 1, 2, 3, … without gaps
    at        TEXT COLLATE "C" NOT NULL,             -- UTC time of the write, 2024-03-05T08:00:00.000Z
    operator  TEXT COLLATE "C" NOT NULL,             -- who made the change
    kind      TEXT COLLATE "C" NOT NULL CHECK (kind IN ('reference', 'target', 'register', 'correct', 'void', 'release', 'default',
                  'extend', 'period-close', 'period-reopen', 'target-remove', 'target-default', 'check-ack', 'setting', 'user',
                  'proposal', 'approve', 'reject', 'subsidy-policy', 'subsidy-payment', 'pool', 'pool-contribution', 'dispose', 'loss')),
    reg_no    TEXT COLLATE "C",                      -- the 登记号 concerned, NULL for ledger-wide entries
    payload   TEXT COLLATE "C" NOT NULL,             -- the canonical entry (compact JSON, sorted keys)
    prev_hash TEXT COLLATE "C" NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT COLLATE "C" NOT NULL CHECK (length(hash) = 64)   -- hex SHA-256(prev_hash ‖ payload)
);
CREATE INDEX entries_by_reg_no ON entries(reg_no) WHERE reg_no IS NOT NULL;

-- The journal is append-only: no UPDATE, DELETE or TRUNCATE; an INSERT must continue the chain and carry its own hash.
CREATE FUNCTION entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'entries is append-only: rows cannot be changed or deleted' USING ERRCODE = 'P0001';
END $$;

CREATE FUNCTION entries_continue_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  BIGINT;
    last_hash TEXT;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM entries ORDER BY seq DESC LIMIT 1;
    IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1
       OR NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'entries: a new entry must continue the chain (seq = last + 1, prev_hash = last hash)' USING ERRCODE = 'P0001';
    END IF;
    IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(NEW.prev_hash || NEW.payload, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'entries: hash must be SHA-256(prev_hash ‖ payload)' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER entries_append_only_seq BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION entries_continue_chain();
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries FOR EACH ROW EXECUTE FUNCTION entries_refuse_change();
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries FOR EACH ROW EXECUTE FUNCTION entries_refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION entries_refuse_change();

-- Reference lists; `rowid` keeps the order they were listed in (SQLite's own rowid).
CREATE TABLE prefectures (
    code  TEXT COLLATE "C" PRIMARY KEY CHECK (length(code) = 6),
    name  TEXT COLLATE "C" NOT NULL UNIQUE,
    short TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TABLE parks (
    rowid           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    name            TEXT COLLATE "C" PRIMARY KEY,
    prefecture_code TEXT COLLATE "C" NOT NULL REFERENCES prefectures(code),
    level           TEXT COLLATE "C" NOT NULL
);
CREATE TABLE park_aliases (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    alias TEXT COLLATE "C" PRIMARY KEY,
    park  TEXT COLLATE "C" NOT NULL REFERENCES parks(name)
);
CREATE TABLE banks (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    name  TEXT COLLATE "C" PRIMARY KEY
);
CREATE TABLE bank_aliases (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    alias TEXT COLLATE "C" PRIMARY KEY,
    bank  TEXT COLLATE "C" NOT NULL REFERENCES banks(name)
);

CREATE TABLE targets (
    name            TEXT COLLATE "C" PRIMARY KEY,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    from_date       TEXT COLLATE "C" NOT NULL,
    to_date         TEXT COLLATE "C" NOT NULL CHECK (to_date >= from_date),
    ip_type         TEXT COLLATE "C" CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    seq             BIGINT NOT NULL,
    enterprises     BIGINT NOT NULL DEFAULT 0,
    park            TEXT COLLATE "C",
    prefecture_code TEXT COLLATE "C"
);

CREATE TABLE registrations (
    reg_no              TEXT COLLATE "C" PRIMARY KEY CHECK (length(reg_no) BETWEEN 1 AND 40),
    reg_date            TEXT COLLATE "C" NOT NULL CHECK (reg_date ~ '^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$'),
    ip_type             TEXT COLLATE "C" NOT NULL CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    uscc                TEXT COLLATE "C" NOT NULL CHECK (length(uscc) = 18),
    uscc_override       BIGINT NOT NULL CHECK (uscc_override IN (0, 1)),
    enterprise          TEXT COLLATE "C" NOT NULL,
    bank                TEXT COLLATE "C" NOT NULL,
    branch              TEXT COLLATE "C",
    amount_fen          BIGINT NOT NULL CHECK (amount_fen > 0),
    ip_numbers          TEXT COLLATE "C" NOT NULL,
    park                TEXT COLLATE "C",
    prefecture_code     TEXT COLLATE "C",
    maturity            TEXT COLLATE "C",
    rate                TEXT COLLATE "C",
    rywq                BIGINT NOT NULL CHECK (rywq IN (0, 1)),
    first_loan          BIGINT NOT NULL CHECK (first_loan IN (0, 1)),
    insured             BIGINT NOT NULL CHECK (insured IN (0, 1)),
    notes               TEXT COLLATE "C",
    status              TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'released', 'defaulted', 'void')),
    status_date         TEXT COLLATE "C",
    late                BIGINT NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    created_seq         BIGINT NOT NULL,
    updated_seq         BIGINT NOT NULL,
    appraised_value_fen BIGINT CHECK (appraised_value_fen > 0),
    appraiser           TEXT COLLATE "C",
    insurer             TEXT COLLATE "C",
    insured_amount_fen  BIGINT CHECK (insured_amount_fen > 0),
    defaulted_on        TEXT COLLATE "C" CHECK (defaulted_on IS NULL OR defaulted_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
);
CREATE INDEX registrations_by_date ON registrations(reg_date, ip_type, status, amount_fen, uscc);
CREATE INDEX registrations_by_park ON registrations(park, reg_date) WHERE park IS NOT NULL;
CREATE INDEX registrations_by_bank ON registrations(bank, reg_date);
CREATE INDEX registrations_by_uscc ON registrations(uscc);
CREATE INDEX registrations_by_prefecture ON registrations(prefecture_code, reg_date) WHERE prefecture_code IS NOT NULL;
CREATE INDEX registrations_active_by_maturity ON registrations(maturity, ip_type, amount_fen) WHERE status = 'active';
CREATE INDEX registrations_by_created_seq ON registrations(created_seq);

CREATE TABLE registration_rights (
    ip_number TEXT COLLATE "C" NOT NULL,
    reg_no    TEXT COLLATE "C" NOT NULL REFERENCES registrations(reg_no),
    PRIMARY KEY (ip_number, reg_no)
);
CREATE INDEX registration_rights_by_reg_no ON registration_rights(reg_no);

CREATE TABLE enterprises (
    uscc TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL
);

CREATE TABLE monthly_totals (
    month           TEXT COLLATE "C" NOT NULL,
    ip_type         TEXT COLLATE "C" NOT NULL,
    prefecture_code TEXT COLLATE "C" NOT NULL,
    park            TEXT COLLATE "C" NOT NULL,
    bank            TEXT COLLATE "C" NOT NULL,
    rywq            BIGINT NOT NULL,
    first_loan      BIGINT NOT NULL,
    registrations   BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    PRIMARY KEY (month, ip_type, prefecture_code, park, bank, rywq, first_loan)
);

CREATE TABLE periods (
    month         TEXT COLLATE "C" PRIMARY KEY,
    seq           BIGINT NOT NULL,
    head_seq      BIGINT NOT NULL,
    head_hash     TEXT COLLATE "C" NOT NULL,
    registrations BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL
);
CREATE TABLE period_totals (
    month           TEXT COLLATE "C" NOT NULL REFERENCES periods(month),
    ip_type         TEXT COLLATE "C" NOT NULL,
    prefecture_code TEXT COLLATE "C" NOT NULL,
    park            TEXT COLLATE "C" NOT NULL,
    bank            TEXT COLLATE "C" NOT NULL,
    rywq            BIGINT NOT NULL,
    first_loan      BIGINT NOT NULL,
    registrations   BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    PRIMARY KEY (month, ip_type, prefecture_code, park, bank, rywq, first_loan)
);

CREATE TABLE group_totals (
    dimension     TEXT COLLATE "C" NOT NULL CHECK (dimension IN ('all', 'prefecture', 'park', 'bank', 'rywq', 'first_loan', 'puhui')),
    grp           TEXT COLLATE "C" NOT NULL,
    month         TEXT COLLATE "C" NOT NULL,
    ip_type       TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    registrations BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    PRIMARY KEY (dimension, grp, month, ip_type, status)
);

CREATE TABLE target_enterprises (
    target        TEXT COLLATE "C" NOT NULL,
    uscc          TEXT COLLATE "C" NOT NULL,
    registrations BIGINT NOT NULL CHECK (registrations > 0),
    PRIMARY KEY (target, uscc)
);

CREATE TABLE ledger_settings (
    key   TEXT COLLATE "C" PRIMARY KEY CHECK (key IN ('default_target', 'amount_confirm_fen', 'approval')),
    value TEXT COLLATE "C" NOT NULL,
    seq   BIGINT NOT NULL
);
CREATE TABLE finding_reviews (
    finding TEXT COLLATE "C" PRIMARY KEY,
    reason  TEXT COLLATE "C" NOT NULL,
    seq     BIGINT NOT NULL
);

CREATE TABLE status_totals (
    ip_type        TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    maturity_month TEXT COLLATE "C" NOT NULL,
    registrations  BIGINT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    PRIMARY KEY (ip_type, status, maturity_month)
);

CREATE TABLE users (
    name     TEXT COLLATE "C" PRIMARY KEY,
    role     TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'clerk', 'checker', 'auditor')),
    disabled BIGINT NOT NULL CHECK (disabled IN (0, 1)),
    seq      BIGINT NOT NULL
);
CREATE TABLE user_credentials (
    name          TEXT COLLATE "C" PRIMARY KEY REFERENCES users(name),
    password_hash TEXT COLLATE "C",
    token_hash    TEXT COLLATE "C" UNIQUE
);

CREATE TABLE proposals (
    seq         BIGINT PRIMARY KEY,
    action      TEXT COLLATE "C" NOT NULL CHECK (action IN ('register', 'correct', 'void', 'release', 'default', 'extend', 'import')),
    reg_no      TEXT COLLATE "C",
    name        TEXT COLLATE "C",
    changes     BIGINT NOT NULL CHECK (changes >= 1),
    proposer    TEXT COLLATE "C" NOT NULL,
    proposed_at TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_seq BIGINT,
    decider     TEXT COLLATE "C",
    decided_at  TEXT COLLATE "C",
    reason      TEXT COLLATE "C"
);
CREATE INDEX proposals_by_status ON proposals(status, seq);
CREATE INDEX proposals_by_decision ON proposals(decided_seq);

CREATE TABLE balance_days (
    ip_type       TEXT COLLATE "C" NOT NULL,
    day           TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL CHECK (kind IN ('opened', 'closed', 'overdue_from', 'overdue_to')),
    registrations BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    PRIMARY KEY (ip_type, kind, day)
);

CREATE TABLE subsidy_policies (
    name      TEXT COLLATE "C" PRIMARY KEY,
    year      BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    share_bp  BIGINT NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
    cap_fen   BIGINT CHECK (cap_fen >= 0),
    only_kind TEXT COLLATE "C" CHECK (only_kind IN ('rywq', 'first-loan')),
    ip_type   TEXT COLLATE "C" CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    seq       BIGINT NOT NULL
);
CREATE TABLE subsidy_payments (
    seq        BIGINT PRIMARY KEY,
    policy     TEXT COLLATE "C" NOT NULL,
    uscc       TEXT COLLATE "C" NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX subsidy_payments_by_policy ON subsidy_payments(policy, uscc);

CREATE TABLE pools (
    name              TEXT COLLATE "C" PRIMARY KEY,
    fund_bp           BIGINT NOT NULL CHECK (fund_bp BETWEEN 0 AND 10000),
    bank_bp           BIGINT NOT NULL CHECK (bank_bp BETWEEN 0 AND 10000),
    insurer_bp        BIGINT NOT NULL CHECK (insurer_bp BETWEEN 0 AND 10000),
    appraiser_bp      BIGINT NOT NULL CHECK (appraiser_bp BETWEEN 0 AND 10000),
    cap_per_loan_fen  BIGINT CHECK (cap_per_loan_fen >= 0),
    park              TEXT COLLATE "C",
    prefecture_code   TEXT COLLATE "C",
    bank              TEXT COLLATE "C",
    contributions_fen BIGINT NOT NULL DEFAULT 0,
    payouts_fen       BIGINT NOT NULL DEFAULT 0,
    seq               BIGINT NOT NULL,
    CHECK (fund_bp + bank_bp + insurer_bp + appraiser_bp = 10000)
);
CREATE TABLE pool_contributions (
    seq            BIGINT PRIMARY KEY,
    pool           TEXT COLLATE "C" NOT NULL REFERENCES pools(name),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    contributed_on TEXT COLLATE "C" NOT NULL,
    source         TEXT COLLATE "C" NOT NULL
);
CREATE INDEX pool_contributions_by_pool ON pool_contributions(pool);
CREATE TABLE disposals (
    reg_no        TEXT COLLATE "C" PRIMARY KEY REFERENCES registrations(reg_no),
    route         TEXT COLLATE "C" NOT NULL CHECK (route IN ('agreement', 'auction', 'sale')),
    recovered_fen BIGINT NOT NULL CHECK (recovered_fen >= 0),
    disposed_on   TEXT COLLATE "C" NOT NULL,
    seq           BIGINT NOT NULL
);
CREATE TABLE pool_losses (
    reg_no              TEXT COLLATE "C" PRIMARY KEY REFERENCES registrations(reg_no),
    pool                TEXT COLLATE "C" NOT NULL REFERENCES pools(name),
    loss_on             TEXT COLLATE "C" NOT NULL,
    principal_fen       BIGINT NOT NULL,
    recovered_fen       BIGINT NOT NULL,
    loss_fen            BIGINT NOT NULL CHECK (loss_fen >= 0),
    fund_share_fen      BIGINT NOT NULL,
    bank_share_fen      BIGINT NOT NULL,
    insurer_share_fen   BIGINT NOT NULL,
    appraiser_share_fen BIGINT NOT NULL,
    fund_due_fen        BIGINT NOT NULL,
    paid_fen            BIGINT NOT NULL,
    owed_fen            BIGINT NOT NULL,
    seq                 BIGINT NOT NULL
);
CREATE INDEX pool_losses_by_pool ON pool_losses(pool);

CREATE TABLE subsidy_lines (
    policy    TEXT COLLATE "C" NOT NULL,
    dimension TEXT COLLATE "C" NOT NULL CHECK (dimension IN ('enterprise', 'park', 'bank')),
    grp       TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    loans     BIGINT NOT NULL CHECK (loans >= 0),
    due_fen   BIGINT NOT NULL CHECK (due_fen >= 0),
    paid_fen  BIGINT NOT NULL CHECK (paid_fen >= 0),
    PRIMARY KEY (policy, dimension, grp)
);
