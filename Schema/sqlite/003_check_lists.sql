-- 003_check_lists.sql — the same CHECK constraints, written so that an INSERT does not build a b-tree.
-- Never edit once shipped: add 004_….sql. Read Schema/README.md ("Migrations").
--
-- SQLite evaluates `x IN ('a', 'b', 'c')` (three or more constants) by building a temporary b-tree each
-- time a statement runs; an import runs its INSERTs once per row, so the four such constraints on
-- `entries.kind`, `registrations.ip_type` and `registrations.status` cost a third of an import
-- (BENCHMARKS.md). `x = 'a' OR x = 'b' OR x = 'c'` accepts and refuses exactly the same values and costs
-- nothing. Only the text of the constraints changes (SQLite's documented procedure for changing CHECK
-- constraints: `pledge` runs this file with `PRAGMA writable_schema = ON` and then bumps
-- `schema_version`); no row is read or rewritten, and every row already satisfies the new text.
-- Replacing text that is not there changes nothing, so the file is safe to run twice.

UPDATE sqlite_schema SET sql = replace(sql,
    'kind IN (''reference'', ''target'', ''register'', ''correct'', ''void'',
                                                ''release'', ''default'', ''extend'', ''period-close'')',
    '(kind = ''reference'' OR kind = ''target'' OR kind = ''register'' OR kind = ''correct'' OR kind = ''void''
                                             OR kind = ''release'' OR kind = ''default'' OR kind = ''extend''
                                             OR kind = ''period-close'')')
WHERE type = 'table' AND name = 'entries';

UPDATE sqlite_schema SET sql = replace(sql,
    'ip_type IN (''patent'', ''trademark'', ''copyright'', ''other'')',
    '(ip_type = ''patent'' OR ip_type = ''trademark'' OR ip_type = ''copyright'' OR ip_type = ''other'')')
WHERE type = 'table' AND name IN ('registrations', 'targets');

UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''active'', ''released'', ''defaulted'', ''void'')',
    '(status = ''active'' OR status = ''released'' OR status = ''defaulted'' OR status = ''void'')')
WHERE type = 'table' AND name = 'registrations';

UPDATE sqlite_schema SET sql = replace(sql,
    'dimension IN (''all'', ''prefecture'', ''park'', ''bank'', ''rywq'', ''first_loan'')',
    '(dimension = ''all'' OR dimension = ''prefecture'' OR dimension = ''park'' OR dimension = ''bank''
                                   OR dimension = ''rywq'' OR dimension = ''first_loan'')')
WHERE type = 'table' AND name = 'group_totals';
