-- 0009_login_lockout: failed-login state of each account, kept in the store
-- so that neither an eviction from an in-memory table nor a restart resets
-- it (issue 11, item 5): consecutive failures since the last successful
-- log-in, and the time (epoch ms) before which no password is checked for
-- the account; 0 = not locked.
ALTER TABLE user ADD COLUMN login_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user ADD COLUMN login_locked_until_ms INTEGER NOT NULL DEFAULT 0;
