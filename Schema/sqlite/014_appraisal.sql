-- 014_appraisal.sql — appraisal and insurance at registration (optional): the pledged rights' appraised value and its
-- appraiser, the loan's insurer and insured amount. Never edit once shipped: add 015_….sql.
ALTER TABLE registrations ADD COLUMN appraised_value_fen INTEGER CHECK (appraised_value_fen > 0);
ALTER TABLE registrations ADD COLUMN appraiser TEXT;
ALTER TABLE registrations ADD COLUMN insurer TEXT;
ALTER TABLE registrations ADD COLUMN insured_amount_fen INTEGER CHECK (insured_amount_fen > 0);
