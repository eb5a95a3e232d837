-- 012_puhui_dimension.sql — the 普惠 band as a dimension of `group_totals`: grp '1' for a registration under
-- 1,000 万元, '0' otherwise. The CHECK gains the value by the procedure of 003_check_lists.sql; 013 fills the rows.
UPDATE sqlite_schema SET sql = replace(sql,
    'OR dimension = ''rywq'' OR dimension = ''first_loan'')',
    'OR dimension = ''rywq'' OR dimension = ''first_loan'' OR dimension = ''puhui'')')
WHERE type = 'table' AND name = 'group_totals' AND sql NOT LIKE '%''puhui''%';
