-- 002_group_totals.sql — aggregates that keep reports and query totals independent of the ledger's size.
-- Never edit once shipped: add 003_….sql. Read Schema/README.md for the meaning of every table.

-- The statistic per month, IP type and current status, split along one dimension at a time: what
-- `report progress`, `report monthly --by …` and the totals of `query` read instead of `registrations`.
-- Maintained on every write; void registrations are kept under status 'void' (the statistic excludes them).
--   dimension 'all'        grp ''                     every registration
--   dimension 'prefecture' grp prefecture code        '' when not recorded
--   dimension 'park'       grp park name              '' when not recorded
--   dimension 'bank'       grp bank name
--   dimension 'rywq'       grp '0' | '1'              入园惠企
--   dimension 'first_loan' grp '0' | '1'              首贷
CREATE TABLE group_totals (
    dimension     TEXT NOT NULL CHECK (dimension IN ('all', 'prefecture', 'park', 'bank', 'rywq', 'first_loan')),
    grp           TEXT NOT NULL,
    month         TEXT NOT NULL,                         -- substr(reg_date, 1, 7)
    ip_type       TEXT NOT NULL,
    status        TEXT NOT NULL,
    registrations INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (dimension, grp, month, ip_type, status)
) WITHOUT ROWID;

INSERT INTO group_totals
SELECT 'all', '', substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 3, 4, 5
UNION ALL
SELECT 'prefecture', coalesce(prefecture_code, ''), substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen)
FROM registrations GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'park', coalesce(park, ''), substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'bank', bank, substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'rywq', CAST(rywq AS TEXT), substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'first_loan', CAST(first_loan AS TEXT), substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen)
FROM registrations GROUP BY 2, 3, 4, 5;

-- The enterprises each target has served: one row per target and USCC with the number of non-void
-- registrations of the target's IP type dated in its window. Maintained on every write and rebuilt
-- when a target is set; `targets.enterprises` counts its rows (the "enterprises served" of `report progress`).
CREATE TABLE target_enterprises (
    target        TEXT NOT NULL,
    uscc          TEXT NOT NULL,
    registrations INTEGER NOT NULL CHECK (registrations > 0),
    PRIMARY KEY (target, uscc)
) WITHOUT ROWID;

INSERT INTO target_enterprises
SELECT t.name, r.uscc, count(*) FROM targets t
JOIN registrations r ON r.reg_date BETWEEN t.from_date AND t.to_date AND r.status <> 'void'
                    AND (t.ip_type IS NULL OR r.ip_type = t.ip_type)
GROUP BY t.name, r.uscc;

ALTER TABLE targets ADD COLUMN enterprises INTEGER NOT NULL DEFAULT 0;
UPDATE targets SET enterprises = (SELECT count(*) FROM target_enterprises WHERE target = targets.name);
