-- 010_subsidies.sql — interest subsidies (贴息). Never edit once shipped: add 011_….sql.
-- A `subsidy-policy` entry sets or replaces a policy; a `subsidy-payment` entry records a payment to an enterprise.
-- What a policy owes is computed from `registrations` (PledgeCore's SubsidyStatement); these tables hold what the
-- journal recorded. The CHECK on `entries.kind` gains the new kinds by the procedure of 003_check_lists.sql.

UPDATE sqlite_schema SET sql = replace(sql,
    'OR kind = ''proposal'' OR kind = ''approve'' OR kind = ''reject'')',
    'OR kind = ''proposal'' OR kind = ''approve'' OR kind = ''reject'' OR kind = ''subsidy-policy'' OR kind = ''subsidy-payment'')')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%''subsidy-policy''%';

CREATE TABLE subsidy_policies (
    name        TEXT PRIMARY KEY,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    share_bp    INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),   -- share of the interest, hundredths of a percent
    cap_fen     INTEGER CHECK (cap_fen >= 0),                            -- per enterprise and year; NULL: no cap
    only_kind   TEXT CHECK (only_kind IN ('rywq', 'first-loan')),
    ip_type     TEXT CHECK (ip_type IN ('patent', 'trademark', 'copyright', 'other')),
    seq         INTEGER NOT NULL                                         -- the entry that set it
);

CREATE TABLE subsidy_payments (
    seq         INTEGER PRIMARY KEY,                                     -- the payment's entry
    policy      TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on     TEXT NOT NULL
);
CREATE INDEX subsidy_payments_by_policy ON subsidy_payments(policy, uscc);
