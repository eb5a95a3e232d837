-- 011_pools.sql — risk-compensation pools (风险补偿资金池), disposals (质物处置) and losses. Never edit once shipped.
-- `pool` sets or replaces a pool; `pool-contribution` pays money in; `dispose` (on a defaulted registration) records
-- what its pledged rights recovered; `loss` claims the loss from a pool. What a claim comes to (the shares, the fund's
-- payout, what its balance could not cover) is PledgeCore's LossOutcome, kept in `pool_losses`; `pools` keeps each
-- pool's contributions and payouts. The CHECK on `entries.kind` gains the new kinds by the procedure of 003.

UPDATE sqlite_schema SET sql = replace(sql,
    'OR kind = ''subsidy-policy'' OR kind = ''subsidy-payment'')',
    'OR kind = ''subsidy-policy'' OR kind = ''subsidy-payment'' OR kind = ''pool'' OR kind = ''pool-contribution'' OR kind = ''dispose'' OR kind = ''loss'')')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%''pool-contribution''%';

CREATE TABLE pools (
    name              TEXT PRIMARY KEY,
    fund_bp           INTEGER NOT NULL CHECK (fund_bp BETWEEN 0 AND 10000),       -- shares of a loss, hundredths of a percent
    bank_bp           INTEGER NOT NULL CHECK (bank_bp BETWEEN 0 AND 10000),
    insurer_bp        INTEGER NOT NULL CHECK (insurer_bp BETWEEN 0 AND 10000),
    appraiser_bp      INTEGER NOT NULL CHECK (appraiser_bp BETWEEN 0 AND 10000),
    cap_per_loan_fen  INTEGER CHECK (cap_per_loan_fen >= 0),                      -- NULL: no cap
    park              TEXT,                                                       -- the loans covered: one of the three, or all
    prefecture_code   TEXT,
    bank              TEXT,
    contributions_fen INTEGER NOT NULL DEFAULT 0,
    payouts_fen       INTEGER NOT NULL DEFAULT 0,
    seq               INTEGER NOT NULL,                                           -- the entry that set it
    CHECK (fund_bp + bank_bp + insurer_bp + appraiser_bp = 10000)
);

CREATE TABLE pool_contributions (
    seq             INTEGER PRIMARY KEY,
    pool            TEXT NOT NULL REFERENCES pools(name),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    contributed_on  TEXT NOT NULL,
    source          TEXT NOT NULL                                                 -- who paid it in (`--from`)
);
CREATE INDEX pool_contributions_by_pool ON pool_contributions(pool);

CREATE TABLE disposals (
    reg_no         TEXT PRIMARY KEY REFERENCES registrations(reg_no),
    route          TEXT NOT NULL CHECK (route IN ('agreement', 'auction', 'sale')),
    recovered_fen  INTEGER NOT NULL CHECK (recovered_fen >= 0),
    disposed_on    TEXT NOT NULL,
    seq            INTEGER NOT NULL
);

CREATE TABLE pool_losses (
    reg_no             TEXT PRIMARY KEY REFERENCES registrations(reg_no),
    pool               TEXT NOT NULL REFERENCES pools(name),
    loss_on            TEXT NOT NULL,
    principal_fen      INTEGER NOT NULL,
    recovered_fen      INTEGER NOT NULL,
    loss_fen           INTEGER NOT NULL CHECK (loss_fen >= 0),
    fund_share_fen     INTEGER NOT NULL,
    bank_share_fen     INTEGER NOT NULL,
    insurer_share_fen  INTEGER NOT NULL,
    appraiser_share_fen INTEGER NOT NULL,
    fund_due_fen       INTEGER NOT NULL,                                          -- the fund's share within the cap per loan
    paid_fen           INTEGER NOT NULL,                                          -- what the pool's balance covered
    owed_fen           INTEGER NOT NULL,                                          -- the rest
    seq                INTEGER NOT NULL
);
CREATE INDEX pool_losses_by_pool ON pool_losses(pool);
