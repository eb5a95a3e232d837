-- 006_status_by_maturity.sql — status totals split by maturity month. Never edit once shipped: add 007_….sql.

-- Count and amount per IP type, current status and maturity month ('' when the loan has no maturity), maintained on
-- every write; a row whose count reaches zero goes. `report progress` reads the loans past maturity from it: whole
-- months from here, the current month through `registrations_active_by_maturity`.
DROP TABLE status_totals;
CREATE TABLE status_totals (
    ip_type        TEXT NOT NULL,
    status         TEXT NOT NULL,
    maturity_month TEXT NOT NULL,                -- YYYY-MM, or ''
    registrations  INTEGER NOT NULL,
    amount_fen     INTEGER NOT NULL,
    PRIMARY KEY (ip_type, status, maturity_month)
) WITHOUT ROWID;

INSERT INTO status_totals(ip_type, status, maturity_month, registrations, amount_fen)
    SELECT ip_type, status, coalesce(substr(maturity, 1, 7), ''), count(*), sum(amount_fen)
    FROM registrations GROUP BY 1, 2, 3;
