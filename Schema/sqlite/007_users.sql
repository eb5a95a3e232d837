-- 007_users.sql — the people who sign in to `pledge serve`. Never edit once shipped: add 008_….sql.
-- A `user` entry adds a user or changes its role or state; `users` is its projection. Password and API-token hashes
-- are credentials, not history: they live in `user_credentials`, outside the journal, and `audit verify` does not
-- compare them. The CHECK on `entries.kind` gains 'user' by the procedure of 003_check_lists.sql.

UPDATE sqlite_schema SET sql = replace(sql,
    'OR kind = ''check-ack'' OR kind = ''setting'')',
    'OR kind = ''check-ack'' OR kind = ''setting'' OR kind = ''user'')')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%''user''%';

CREATE TABLE users (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role = 'admin' OR role = 'clerk' OR role = 'checker' OR role = 'auditor'),
    disabled INTEGER NOT NULL CHECK (disabled = 0 OR disabled = 1),
    seq      INTEGER NOT NULL                    -- the entry that set the user as it is
);

CREATE TABLE user_credentials (
    name          TEXT PRIMARY KEY REFERENCES users(name),
    password_hash TEXT,                          -- bcrypt
    token_hash    TEXT UNIQUE                    -- SHA-256 hex of the API token
);
