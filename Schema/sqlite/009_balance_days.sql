-- 009_balance_days.sql — the balance outstanding on any day. Never edit once shipped: add 010_….sql.

-- Per IP type and day, the registrations whose balance changes that day and their amount, by kind: `opened` (its
-- registration date; void ones never count), `closed` (the date of its release or default), `overdue_from` (the day
-- after maturity, or its registration date if later) and `overdue_to` (its closing, when it closed after falling
-- overdue). Maintained on every write; a row whose count reaches zero goes. On day D the balance is opened − closed
-- and the part past maturity overdue_from − overdue_to, summed over days up to D: `report progress --as-of D`.
CREATE TABLE balance_days (
    ip_type       TEXT NOT NULL,
    day           TEXT NOT NULL,                 -- YYYY-MM-DD
    kind          TEXT NOT NULL CHECK (kind IN ('opened', 'closed', 'overdue_from', 'overdue_to')),
    registrations INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (ip_type, kind, day)
) WITHOUT ROWID;

INSERT INTO balance_days(ip_type, day, kind, registrations, amount_fen)
    SELECT ip_type, day, kind, count(*), sum(amount_fen) FROM (
        SELECT ip_type, reg_date AS day, 'opened' AS kind, amount_fen FROM registrations WHERE status <> 'void'
        UNION ALL
        SELECT ip_type, status_date, 'closed', amount_fen FROM registrations WHERE status IN ('released', 'defaulted')
        UNION ALL
        SELECT ip_type, max(reg_date, date(maturity, '+1 day')), 'overdue_from', amount_fen FROM registrations
        WHERE status <> 'void' AND date(maturity, '+1 day') IS NOT NULL
          AND (status NOT IN ('released', 'defaulted') OR max(reg_date, date(maturity, '+1 day')) < status_date)
        UNION ALL
        SELECT ip_type, status_date, 'overdue_to', amount_fen FROM registrations
        WHERE status IN ('released', 'defaulted') AND date(maturity, '+1 day') IS NOT NULL
          AND max(reg_date, date(maturity, '+1 day')) < status_date
    ) GROUP BY 1, 2, 3;
