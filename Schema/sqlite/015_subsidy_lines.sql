-- 015_subsidy_lines.sql — what each subsidy policy owes, per enterprise, park and bank (PledgeCore's SubsidyStatement
-- and its `lines(by:)`), kept up to date with every registration and payment so that `report subsidy` reads a few rows.
-- A row exists while it has a loan, a due or a payment. A ledger that already holds policies gets its rows from the
-- store once this migration has run (the rule lives in PledgeCore, not in SQL).
CREATE TABLE subsidy_lines (
    policy      TEXT NOT NULL,
    dimension   TEXT NOT NULL CHECK (dimension IN ('enterprise', 'park', 'bank')),
    grp         TEXT NOT NULL,                  -- the USCC, the park ('' for none) or the bank
    name        TEXT NOT NULL,                  -- the enterprise's name; '' for a park or a bank
    loans       INTEGER NOT NULL CHECK (loans >= 0),
    due_fen     INTEGER NOT NULL CHECK (due_fen >= 0),
    paid_fen    INTEGER NOT NULL CHECK (paid_fen >= 0),
    PRIMARY KEY (policy, dimension, grp)
) WITHOUT ROWID;

-- The date a registration defaulted, kept when it is released afterwards: a subsidy's days end at the first of
-- its release, its default and its maturity. Filled from the journal's `default` entries.
ALTER TABLE registrations ADD COLUMN defaulted_on TEXT CHECK (defaulted_on IS NULL OR (length(defaulted_on) = 10 AND defaulted_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'));
UPDATE registrations SET defaulted_on = (
    SELECT json_extract(e.payload, '$.data.date') FROM entries e WHERE e.reg_no = registrations.reg_no AND e.kind = 'default' ORDER BY e.seq DESC LIMIT 1)
WHERE status IN ('defaulted', 'released');
