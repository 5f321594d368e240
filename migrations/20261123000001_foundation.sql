-- Accounts, families, tokens, throttling, the notification outbox and the audit log.

CREATE TABLE families (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    manager_id  uuid,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email          text NOT NULL CHECK (email = lower(email)),
    phone          text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    password_hash  text,
    role           text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'staff', 'admin')),
    language       text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
    family_id      uuid REFERENCES families (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX users_family_idx ON users (family_id);

ALTER TABLE families
    ADD CONSTRAINT families_manager_fk FOREIGN KEY (manager_id) REFERENCES users (id)
    DEFERRABLE INITIALLY DEFERRED;

-- REST bearer tokens: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz
);

-- Single-use, expiring links to choose a password (reset or invitation); hashed like tokens.
CREATE TABLE password_resets (
    token_hash  text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Failed logins per key ('email:…' or 'ip:…'); a success deletes the keys.
CREATE TABLE login_attempts (
    key              text PRIMARY KEY,
    failures         integer NOT NULL,
    last_failure_at  timestamptz NOT NULL
);

CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    channel          text NOT NULL DEFAULT 'email' CHECK (channel IN ('email')),
    kind             text NOT NULL,
    recipient        text NOT NULL,
    language         text NOT NULL CHECK (language IN ('en', 'fr')),
    subject          text NOT NULL,
    body             text NOT NULL,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE notification_log (
    id          bigserial PRIMARY KEY,
    outbox_id   uuid NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    channel     text NOT NULL,
    success     boolean NOT NULL,
    error       text,
    instance    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    actor_id    uuid REFERENCES users (id),
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   uuid,
    details     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
