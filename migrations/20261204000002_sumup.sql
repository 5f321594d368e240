-- SumUp per organiser (seed 004): each organiser connects their own account by OAuth; its
-- tokens are kept encrypted (platform::sealed) and refreshed before they expire.
CREATE TABLE provider_accounts (
    id                   uuid PRIMARY KEY,
    provider             text NOT NULL CHECK (provider IN ('sumup')),
    owner_id             uuid NOT NULL REFERENCES users (id),
    merchant_code        text NOT NULL,
    access_token         bytea NOT NULL,
    refresh_token        bytea NOT NULL,
    expires_at           timestamptz NOT NULL,
    status               text NOT NULL DEFAULT 'CONNECTED' CHECK (status IN ('CONNECTED', 'DISCONNECTED')),
    disconnected_reason  text,
    connected_at         timestamptz NOT NULL DEFAULT now(),
    refreshed_at         timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, owner_id)
);
ALTER TABLE payments ADD CONSTRAINT payments_provider_account_fk
    FOREIGN KEY (provider_account) REFERENCES provider_accounts (id);

-- The `state` of an authorization request, by its SHA-256: single use, ten minutes, bound to
-- the user who started it.
CREATE TABLE oauth_states (
    state_hash  bytea PRIMARY KEY,
    provider    text NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);

-- The built-in sandbox playing SumUp in the demo: its authorization codes, tokens and
-- checkouts, kept in the database so every instance agrees.
CREATE TABLE sandbox_sumup (
    kind        text NOT NULL CHECK (kind IN ('code', 'access', 'refresh')),
    value       text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE TABLE sandbox_sumup_checkouts (
    id                  uuid PRIMARY KEY,
    checkout_reference  text NOT NULL UNIQUE,
    amount_minor        bigint NOT NULL,
    currency            text NOT NULL,
    merchant_code       text NOT NULL,
    description         text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'FAILED', 'EXPIRED')),
    transaction_id      text,
    return_url          text,
    redirect_url        text,
    valid_until         timestamptz,
    refunded_minor      bigint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Deposits for stays (seed 003): a listing may ask for an advance, as a share of the total or
-- as an amount; the rest is due on arrival.
ALTER TABLE events ADD COLUMN deposit_bps integer NOT NULL DEFAULT 0 CHECK (deposit_bps BETWEEN 0 AND 10000);
ALTER TABLE events ADD COLUMN deposit_amount bigint NOT NULL DEFAULT 0 CHECK (deposit_amount >= 0);
ALTER TABLE events ADD CONSTRAINT events_one_deposit CHECK (deposit_bps = 0 OR deposit_amount = 0);
ALTER TABLE orders ADD COLUMN deposit bigint NOT NULL DEFAULT 0 CHECK (deposit >= 0);
ALTER TABLE orders ADD CONSTRAINT orders_deposit_le_total CHECK (deposit <= total);

-- One open card checkout per order: a second press of "Pay by card" finds the first (and a
-- buyer is never charged twice for one order).
CREATE UNIQUE INDEX payments_one_open_checkout ON payments (order_id)
    WHERE order_id IS NOT NULL AND method = 'CARD' AND status IN ('PENDING', 'PROCESSING');
