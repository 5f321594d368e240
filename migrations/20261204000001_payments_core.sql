-- One settle path for money: every confirmed payment is a ledger row with a PAY reference,
-- whoever confirmed it (gateway, wallet, or a person approving a proof or taking cash).

-- Who is told about the payment and named on its invoice, fixed when it is opened, so the
-- payments core never reads the tables of what the money buys.
ALTER TABLE payments ADD COLUMN payer_email text NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN payer_name text NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN payer_language text NOT NULL DEFAULT 'fr' CHECK (payer_language IN ('en', 'fr'));
-- The family's or the buyer's name: the first line of the invoice's buyer block.
ALTER TABLE payments ADD COLUMN payer_org text NOT NULL DEFAULT '';
-- Where the browser goes once the payment is settled (an order's page, the billing pages).
ALTER TABLE payments ADD COLUMN success_url text;
ALTER TABLE payments ADD COLUMN fail_url text;
-- The provider's page of an open checkout: a buyer who comes back is sent to it again rather
-- than given a second checkout (and a second charge).
ALTER TABLE payments ADD COLUMN checkout_url text;
-- When an open checkout stops taking money (with the order it pays for).
ALTER TABLE payments ADD COLUMN expires_at timestamptz;
-- The provider's transaction once paid (what a refund names), and what the provider reported
-- when it disagreed with what was owed (shown beside it for review).
ALTER TABLE payments ADD COLUMN provider_txn text;
-- The organiser's own provider account the money went to (per-organiser providers).
ALTER TABLE payments ADD COLUMN provider_account uuid;
ALTER TABLE payments ADD COLUMN provider_amount bigint;
-- What a completed subscription payment bought: the period now runs until then.
ALTER TABLE payments ADD COLUMN period_end timestamptz;
ALTER TABLE payments ADD COLUMN provider_currency text;

UPDATE payments p SET payer_email = o.buyer_email, payer_name = o.buyer_name,
       payer_language = o.language, payer_org = o.buyer_name
  FROM orders o WHERE o.id = p.order_id;
UPDATE payments p SET payer_email = u.email, payer_name = u.name, payer_language = u.language,
       payer_org = f.name
  FROM families f JOIN users u ON true
 WHERE f.id = p.family_id AND u.id = COALESCE(p.user_id, f.manager_id) AND p.order_id IS NULL;

-- A payment ticket opens its payment when it is submitted; approving it settles that payment.
ALTER TABLE payment_tickets ADD COLUMN payment_id uuid UNIQUE REFERENCES payments (id);
UPDATE payment_tickets t SET payment_id = p.id FROM payments p WHERE p.ticket_id = t.id;
UPDATE payments p SET plan_code = t.plan_code, duration_days = t.duration_days, provider = 'manual',
       payer_email = u.email, payer_name = u.name, payer_language = u.language, payer_org = f.name
  FROM payment_tickets t JOIN users u ON u.id = t.submitter_id JOIN families f ON f.id = t.family_id
 WHERE t.payment_id = p.id;
-- Pending tickets get their open payment now.
INSERT INTO payments (id, family_id, user_id, purpose, plan_code, duration_days, amount, currency,
                      status, method, provider, description, created_at, payer_email, payer_name,
                      payer_language, payer_org)
SELECT gen_random_uuid(), t.family_id, t.submitter_id, 'SUBSCRIPTION', t.plan_code, t.duration_days,
       t.amount, t.currency, 'PENDING', t.payment_method, 'manual', t.reference, t.created_at,
       u.email, u.name, u.language, f.name
  FROM payment_tickets t JOIN users u ON u.id = t.submitter_id JOIN families f ON f.id = t.family_id
 WHERE t.status = 'PENDING' AND t.payment_id IS NULL;
UPDATE payment_tickets t SET payment_id = p.id FROM payments p
 WHERE t.payment_id IS NULL AND t.status = 'PENDING' AND p.provider = 'manual' AND p.description = t.reference
   AND p.family_id = t.family_id AND p.status = 'PENDING';

-- Orders paid by hand (a proof checked, cash at the door) enter the ledger too.
INSERT INTO payments (id, order_id, purpose, amount, currency, status, method, provider, description,
                      created_at, completed_at, payer_email, payer_name, payer_language, payer_org)
SELECT gen_random_uuid(), o.id, 'ORDER', o.amount_paid, o.currency, 'COMPLETED',
       CASE WHEN o.paid_via = 'CASH' THEN 'CASH' ELSE COALESCE(o.payment_method, 'MOBILE_MONEY') END,
       'manual', o.reference, COALESCE(o.paid_at, o.created_at), o.paid_at,
       o.buyer_email, o.buyer_name, o.language, o.buyer_name
  FROM orders o
 WHERE o.paid_via IN ('PROOF', 'CASH') AND o.amount_paid > 0;

-- Every payment has its reference, numbered per year in the order it was made.
DO $$
DECLARE
    r record;
    n integer;
    y integer;
BEGIN
    FOR r IN SELECT id, created_at FROM payments WHERE reference IS NULL ORDER BY created_at, id LOOP
        y := extract(year FROM r.created_at AT TIME ZONE 'UTC');
        INSERT INTO reference_counters (kind, year, last_value) VALUES ('PAY', y, 1)
            ON CONFLICT (kind, year) DO UPDATE SET last_value = reference_counters.last_value + 1
            RETURNING last_value INTO n;
        UPDATE payments SET reference = 'PAY-' || y || '-' || lpad(n::text, 6, '0') WHERE id = r.id;
    END LOOP;
END $$;
ALTER TABLE payments ALTER COLUMN reference SET NOT NULL;

-- The ticket now points at its payment; the payment no longer knows tickets.
ALTER TABLE payments DROP CONSTRAINT payments_subscription_plan;
ALTER TABLE payments DROP COLUMN ticket_id;
ALTER TABLE payments ADD CONSTRAINT payments_subscription_plan
    CHECK (purpose <> 'SUBSCRIPTION' OR (plan_code IS NOT NULL AND duration_days IS NOT NULL));
UPDATE payments SET provider = 'manual' WHERE provider = 'payment_ticket';
CREATE INDEX payments_order_idx ON payments (order_id) WHERE order_id IS NOT NULL;

-- An e-mail may carry several attachments (the invoice and each e-ticket's PDF).
CREATE TABLE outbox_attachments (
    id            bigserial PRIMARY KEY,
    outbox_id     uuid NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    name          text NOT NULL,
    content_type  text NOT NULL,
    bytes         bytea NOT NULL
);
CREATE INDEX outbox_attachments_outbox_idx ON outbox_attachments (outbox_id, id);
INSERT INTO outbox_attachments (outbox_id, name, content_type, bytes)
SELECT id, attachment_name, attachment_type, attachment FROM outbox
 WHERE attachment IS NOT NULL AND attachment_name IS NOT NULL AND attachment_type IS NOT NULL;
ALTER TABLE outbox DROP COLUMN attachment_name;
ALTER TABLE outbox DROP COLUMN attachment_type;
ALTER TABLE outbox DROP COLUMN attachment;

-- Alerts to the admins (and the alerts address, and an admin WhatsApp number): each kind once
-- per subject (a payment, an order, an organiser's connection). The insert is the claim.
CREATE TABLE alerts (
    kind        text NOT NULL,
    subject_id  uuid NOT NULL,
    critical    boolean NOT NULL DEFAULT false,
    summary     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, subject_id)
);
CREATE INDEX alerts_created_idx ON alerts (created_at DESC);

-- The poller: every open payment a provider knows is asked about until it is settled.
-- `next_check_at` is when it is next due (sooner while its payer waits on the page, then
-- with backoff); the claim pushes it forward, so instances never check one payment twice in
-- a cycle.
ALTER TABLE payments ADD COLUMN next_check_at timestamptz;
ALTER TABLE payments ADD COLUMN check_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN last_check_error text;
-- Until when the payer is on the processing page (checked every few seconds meanwhile).
ALTER TABLE payments ADD COLUMN watched_until timestamptz;
UPDATE payments SET next_check_at = COALESCE(polled_at, created_at) + interval '1 minute'
 WHERE status IN ('PENDING', 'PROCESSING') AND provider_ref IS NOT NULL;
CREATE INDEX payments_due_idx ON payments (next_check_at)
    WHERE status IN ('PENDING', 'PROCESSING') AND provider_ref IS NOT NULL AND NOT needs_review;

-- One row: when the next regular cycle may start (the claim that lets one instance run it),
-- and whether an admin paused polling.
CREATE TABLE poller_state (
    id              integer PRIMARY KEY CHECK (id = 1),
    next_cycle_at   timestamptz NOT NULL DEFAULT now(),
    paused          boolean NOT NULL DEFAULT false,
    paused_by       uuid REFERENCES users (id),
    paused_at       timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO poller_state (id) VALUES (1);

-- Each cycle's outcome, for /admin/verification and the health checks.
CREATE TABLE poll_cycles (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    instance     text NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    checked      integer NOT NULL DEFAULT 0,
    settled      integer NOT NULL DEFAULT 0,
    failed       integer NOT NULL DEFAULT 0,
    expired      integer NOT NULL DEFAULT 0,
    review       integer NOT NULL DEFAULT 0,
    errors       integer NOT NULL DEFAULT 0
);
CREATE INDEX poll_cycles_started_idx ON poll_cycles (started_at DESC);

-- Refunds reach the money: one back to a card is asked of the provider and counts only once
-- the provider accepts it; until then it is PENDING (retried), or FAILED (flagged).
ALTER TABLE payment_refunds ADD COLUMN status text NOT NULL DEFAULT 'SUCCEEDED'
    CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED'));
ALTER TABLE payment_refunds ADD COLUMN provider_refund_id text;
ALTER TABLE payment_refunds ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE payment_refunds ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE payment_refunds ADD COLUMN last_error text;
ALTER TABLE payment_refunds ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX payment_refunds_due_idx ON payment_refunds (next_attempt_at) WHERE status = 'PENDING';

-- Whether an event's order holds its places (sold counts them): an order that expired gave
-- them back, and holds them again only if a late payment under review could take them.
ALTER TABLE orders ADD COLUMN holds_places boolean NOT NULL DEFAULT true;
UPDATE orders SET holds_places = false WHERE status IN ('OWNER_CANCELLED', 'CANCELLED', 'FAILED', 'EXPIRED');
