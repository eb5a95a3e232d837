-- 004_entry_kinds.sql — five more kinds of journal entry: a closed month opened again, a target removed, the
-- default target chosen, a data-quality finding reviewed, a ledger setting changed. Never edit once shipped: add 006_….sql.
-- Only the text of the CHECK on `entries.kind` changes (the procedure of 003_check_lists.sql); every row already
-- satisfies the new text. Replacing text that is not there changes nothing, so the file is safe to run twice.

UPDATE sqlite_schema SET sql = replace(sql,
    'OR kind = ''period-close'')',
    'OR kind = ''period-close'' OR kind = ''period-reopen'' OR kind = ''target-remove''
                                             OR kind = ''target-default'' OR kind = ''check-ack'' OR kind = ''setting'')')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%period-reopen%';
