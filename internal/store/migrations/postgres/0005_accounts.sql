-- Account controls: lockout after failed logins, forced and periodic
-- password change, TOTP second factor (secret and last step used, against
-- replay), idle session timeout and two-step login, API tokens bound to the
-- role and institution they were issued for, and settings (the security
-- policy).
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN must_change BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = updated_at;

ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;

ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN institution_id BIGINT;
UPDATE api_tokens SET role = (SELECT role FROM users WHERE users.id = api_tokens.user_id),
	institution_id = (SELECT institution_id FROM users WHERE users.id = api_tokens.user_id);

CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
