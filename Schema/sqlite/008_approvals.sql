-- 008_approvals.sql — maker-checker. Never edit once shipped: add 009_….sql.
-- A `proposal` entry records a write for a second person's approval; `approve` (followed in the same transaction by
-- exactly the proposed entries) and `reject` decide it. `proposals` is their projection; the approval setting lives in
-- `ledger_settings` (key `approval`). The CHECKs on `entries.kind` and `ledger_settings.key` gain the new values by the
-- procedure of 003_check_lists.sql.

UPDATE sqlite_schema SET sql = replace(sql,
    'OR kind = ''setting'' OR kind = ''user'')',
    'OR kind = ''setting'' OR kind = ''user'' OR kind = ''proposal'' OR kind = ''approve'' OR kind = ''reject'')')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%''proposal''%';

UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (key = ''default_target'' OR key = ''amount_confirm_fen'')',
    'CHECK (key = ''default_target'' OR key = ''amount_confirm_fen'' OR key = ''approval'')')
WHERE type = 'table' AND name = 'ledger_settings' AND sql NOT LIKE '%''approval''%';

CREATE TABLE proposals (
    seq         INTEGER PRIMARY KEY,             -- the proposal entry
    action      TEXT NOT NULL CHECK (action IN ('register', 'correct', 'void', 'release', 'default', 'extend', 'import')),
    reg_no      TEXT,                            -- the 登记号 of a one-registration proposal; NULL for an import
    name        TEXT,                            -- the imported file's name
    changes     INTEGER NOT NULL CHECK (changes >= 1),   -- the entries an approval appends
    proposer    TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_seq INTEGER,                         -- the approve or reject entry; the applied entries follow an approval's
    decider     TEXT,
    decided_at  TEXT,
    reason      TEXT                             -- why it was rejected
);
CREATE INDEX proposals_by_status ON proposals(status, seq);
CREATE INDEX proposals_by_decision ON proposals(decided_seq);
