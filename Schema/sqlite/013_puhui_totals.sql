-- 013_puhui_totals.sql — the `puhui` rows of `group_totals` for the registrations a ledger already holds, as the
-- projection keeps them (PledgeCore's Cell: an amount under 1,000 万元, i.e. below 1,000,000,000 fen).
INSERT INTO group_totals
SELECT 'puhui', CASE WHEN amount_fen < 1000000000 THEN '1' ELSE '0' END, substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen)
FROM registrations GROUP BY 2, 3, 4, 5;
