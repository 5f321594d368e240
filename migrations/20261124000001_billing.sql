-- Billing: business plans next to the family plans, card payments through gateways, the
-- family wallet, gap-free immutable invoices, webhook idempotency and trial reminders.

-- What a plan offers, shown on /billing (seed 002: workspaces and storage).
ALTER TABLE plans ADD COLUMN limits_en text NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN limits_fr text NOT NULL DEFAULT '';
UPDATE plans SET limits_en = 'Whole family, unlimited members', limits_fr = 'Toute la famille, membres illimités'
    WHERE code = 'FAMILY_MANAGER';
UPDATE plans SET limits_en = 'One student', limits_fr = 'Un étudiant' WHERE code = 'INDIVIDUAL_STUDENT';
INSERT INTO plans (code, name_en, name_fr, currency, min_amount, position, limits_en, limits_fr) VALUES
    ('STARTER', 'Starter', 'Starter', 'USD', 2900, 3, '5 workspaces, 10 GB storage', '5 espaces de travail, 10 Go de stockage'),
    ('TEAM', 'Team', 'Équipe', 'USD', 9900, 4, '20 workspaces, 50 GB storage', '20 espaces de travail, 50 Go de stockage'),
    ('ENTERPRISE', 'Enterprise', 'Entreprise', 'USD', 29900, 5, 'Unlimited workspaces, 250 GB storage', 'Espaces de travail illimités, 250 Go de stockage');
INSERT INTO plan_prices (plan_code, duration_days, amount) VALUES
    ('STARTER', 30, 2900), ('TEAM', 30, 9900), ('ENTERPRISE', 30, 29900);

-- The ledger grows from "approved payment tickets" to every payment, whatever its gateway.
ALTER TABLE payments ADD COLUMN reference text UNIQUE CHECK (reference ~ '^PAY-[0-9]{4}-[0-9]{6,}$');
ALTER TABLE payments ADD COLUMN user_id uuid REFERENCES users (id);
ALTER TABLE payments ADD COLUMN purpose text NOT NULL DEFAULT 'SUBSCRIPTION'
    CHECK (purpose IN ('SUBSCRIPTION', 'TOPUP', 'ORDER'));
-- An order's card payment belongs to the order (its buyer needs no account), not to a family.
ALTER TABLE payments ADD COLUMN order_id uuid REFERENCES orders (id);
ALTER TABLE payments ALTER COLUMN family_id DROP NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_owner
    CHECK ((purpose = 'ORDER') = (order_id IS NOT NULL) AND (family_id IS NOT NULL OR order_id IS NOT NULL));
ALTER TABLE payments ADD COLUMN plan_code text REFERENCES plans (code);
ALTER TABLE payments ADD COLUMN duration_days integer CHECK (duration_days > 0);
ALTER TABLE payments ADD COLUMN description text NOT NULL DEFAULT '';
-- The gateway's id for this payment (Stripe Checkout Session id, PayTR merchant_oid, ...).
ALTER TABLE payments ADD COLUMN provider_ref text;
ALTER TABLE payments ADD COLUMN refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0);
ALTER TABLE payments ADD COLUMN failure_reason text;
-- Set when the gateway reported an amount or currency other than the one asked for.
ALTER TABLE payments ADD COLUMN needs_review boolean NOT NULL DEFAULT false;
ALTER TABLE payments ADD COLUMN review_reason text;
-- The sandbox's chosen outcome when the user asked for a delay: settled by the polling job.
ALTER TABLE payments ADD COLUMN sandbox_outcome text CHECK (sandbox_outcome IN ('success', 'fail'));
ALTER TABLE payments ADD COLUMN settle_after timestamptz;
ALTER TABLE payments ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- When the polling job last asked the gateway about this payment (webhooks can be lost).
ALTER TABLE payments ADD COLUMN polled_at timestamptz;
ALTER TABLE payments ADD CONSTRAINT payments_refund_le_amount CHECK (refunded_amount <= amount);
ALTER TABLE payments ADD CONSTRAINT payments_subscription_plan
    CHECK (purpose <> 'SUBSCRIPTION' OR ticket_id IS NOT NULL OR (plan_code IS NOT NULL AND duration_days IS NOT NULL));
CREATE UNIQUE INDEX payments_provider_ref ON payments (provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX payments_family_idx ON payments (family_id, created_at DESC);
CREATE INDEX payments_created_idx ON payments (created_at);
CREATE INDEX payments_settle_idx ON payments (settle_after) WHERE settle_after IS NOT NULL;

-- Each gateway event is handled once: the insert is the claim.
CREATE TABLE webhook_events (
    provider     text NOT NULL,
    event_id     text NOT NULL,
    kind         text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

-- The family wallet: one balance per currency, never negative, and its movements.
CREATE TABLE wallets (
    family_id  uuid NOT NULL REFERENCES families (id),
    currency   text NOT NULL,
    balance    bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
    PRIMARY KEY (family_id, currency)
);
CREATE TABLE wallet_transactions (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL REFERENCES families (id),
    currency    text NOT NULL,
    amount      bigint NOT NULL CHECK (amount <> 0),
    kind        text NOT NULL CHECK (kind IN ('TOPUP', 'PAYMENT', 'REFUND')),
    payment_id  uuid REFERENCES payments (id),
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_transactions_family_idx ON wallet_transactions (family_id, created_at DESC);
-- A top-up credits the wallet once, whatever the number of webhook deliveries.
CREATE UNIQUE INDEX wallet_topup_once ON wallet_transactions (payment_id) WHERE kind = 'TOPUP';

-- Invoices: numbered INV-<year>-<6 digits> from reference_counters in the payment's
-- transaction, so numbers have no gaps; once written they never change.
CREATE TABLE invoices (
    id           uuid PRIMARY KEY,
    number       text NOT NULL UNIQUE CHECK (number ~ '^INV-[0-9]{4}-[0-9]{6}$'),
    -- NULL for an order's invoice (the buyer block names the guest).
    family_id    uuid REFERENCES families (id),
    payment_id   uuid NOT NULL UNIQUE REFERENCES payments (id),
    language     text NOT NULL CHECK (language IN ('en', 'fr')),
    currency     text NOT NULL,
    -- "description<TAB>quantity<TAB>unit amount<TAB>line total" per line, in minor units.
    lines        text NOT NULL,
    subtotal     bigint NOT NULL CHECK (subtotal >= 0),
    tax_rate_bp  integer NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax          bigint NOT NULL DEFAULT 0 CHECK (tax >= 0),
    total        bigint NOT NULL CHECK (total = subtotal + tax),
    seller       text NOT NULL,
    buyer        text NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_family_idx ON invoices (family_id, issued_at DESC);

CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoices are immutable once issued';
END;
$$;
CREATE TRIGGER invoices_no_change BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();

-- Trial reminders (7, 3 and 1 days before the end), each sent once per family.
CREATE TABLE trial_reminders (
    family_id    uuid NOT NULL REFERENCES families (id),
    days_before  integer NOT NULL CHECK (days_before IN (7, 3, 1)),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (family_id, days_before)
);

-- An e-mail may carry one attachment (the invoice on a successful payment).
ALTER TABLE outbox ADD COLUMN attachment_name text;
ALTER TABLE outbox ADD COLUMN attachment_type text;
ALTER TABLE outbox ADD COLUMN attachment bytea;

-- Refunds of ledger payments, full or partial: to the family wallet or back to the card.
CREATE TABLE payment_refunds (
    id           uuid PRIMARY KEY,
    payment_id   uuid NOT NULL REFERENCES payments (id),
    amount       bigint NOT NULL CHECK (amount > 0),
    destination  text NOT NULL CHECK (destination IN ('wallet', 'card')),
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    admin_id     uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_refunds_payment_idx ON payment_refunds (payment_id);
