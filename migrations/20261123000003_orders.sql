-- Events and stays, orders, e-tickets, owner action links, referral codes, refunds and
-- commissions (issue 5). Statuses mirror the enums in src/domain/order.rs.

-- Values the app keeps for itself, such as the key that signs links when none is configured.
CREATE TABLE app_settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
    id            uuid PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    kind          text NOT NULL CHECK (kind IN ('EVENT', 'STAY')),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description   text NOT NULL DEFAULT '',
    -- Venue of an event, address of a stay.
    venue         text NOT NULL DEFAULT '',
    starts_at     timestamptz,
    ends_at       timestamptz,
    -- Places for an event; most guests per booking for a stay.
    capacity      integer NOT NULL CHECK (capacity > 0),
    -- Places held by orders that are neither expired nor cancelled (events only).
    sold          integer NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= capacity),
    -- Per place for an event, per night for a stay; minor units.
    price         bigint NOT NULL CHECK (price >= 0),
    currency      text NOT NULL,
    max_per_order integer NOT NULL DEFAULT 10 CHECK (max_per_order > 0),
    sales_start   timestamptz,
    sales_end     timestamptz,
    owner_name    text NOT NULL DEFAULT '',
    owner_phone   text NOT NULL DEFAULT '',
    owner_email   text NOT NULL DEFAULT '',
    checkin_info  text NOT NULL DEFAULT '',
    organiser_id  uuid REFERENCES users (id),
    published     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'STAY' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at)),
    CHECK (sales_start IS NULL OR sales_end IS NULL OR sales_end > sales_start),
    CHECK (kind = 'EVENT' OR owner_email <> '')
);

CREATE TABLE referral_codes (
    id            uuid PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{3,20}$'),
    kind          text NOT NULL CHECK (kind IN ('STANDARD', 'SPECIAL')),
    holder_name   text NOT NULL,
    holder_phone  text NOT NULL DEFAULT '',
    user_id       uuid REFERENCES users (id),
    -- Rates in basis points of the order's subtotal.
    discount_bps  integer NOT NULL CHECK (discount_bps BETWEEN 0 AND 5000),
    referrer_bps  integer NOT NULL CHECK (referrer_bps BETWEEN 0 AND 5000),
    admin_bps     integer NOT NULL CHECK (admin_bps BETWEEN 0 AND 5000),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id                  uuid PRIMARY KEY,
    reference           text NOT NULL UNIQUE CHECK (reference ~ '^ORD-[0-9]{4}-[0-9]{5,}$'),
    event_id            uuid NOT NULL REFERENCES events (id),
    buyer_id            uuid REFERENCES users (id),
    buyer_name          text NOT NULL,
    buyer_email         text NOT NULL,
    buyer_phone         text NOT NULL,
    language            text NOT NULL DEFAULT 'fr',
    -- Places for an event; guests for a stay.
    quantity            integer NOT NULL CHECK (quantity > 0),
    check_in            date,
    check_out           date,
    nights              integer NOT NULL DEFAULT 1 CHECK (nights > 0),
    unit_price          bigint NOT NULL CHECK (unit_price >= 0),
    subtotal            bigint NOT NULL CHECK (subtotal >= 0),
    discount            bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
    total               bigint NOT NULL CHECK (total >= 0),
    amount_paid         bigint NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
    currency            text NOT NULL,
    status              text NOT NULL DEFAULT 'PAYMENT_PENDING' CHECK (status IN (
                            'PAYMENT_PENDING', 'PENDING_VERIFICATION', 'PAID', 'OWNER_CONFIRMED',
                            'TICKETS_ISSUED', 'OWNER_CANCELLED', 'CANCELLED', 'FAILED', 'EXPIRED',
                            'REQUIRES_MANUAL_REVIEW')),
    -- Mobile-money proof of payment, reviewed by an admin.
    payment_method      text REFERENCES payment_methods (code),
    phone_number        text,
    transaction_id      text,
    proof_key           text,
    proof_sha256        text,
    proof_content_type  text,
    proof_size          bigint,
    proof_filename      text,
    proof_submitted_at  timestamptz,
    paid_at             timestamptz,
    paid_by             uuid REFERENCES users (id),
    paid_via            text CHECK (paid_via IN ('PROOF', 'CASH', 'CARD')),
    owner_confirmed_at  timestamptz,
    tickets_issued_at   timestamptz,
    cancelled_at        timestamptz,
    cancel_reason       text,
    admin_alerted_at    timestamptz,
    -- Referral and commission.
    referral_code_id    uuid REFERENCES referral_codes (id),
    commission_status   text NOT NULL DEFAULT 'NONE' CHECK (commission_status IN ('NONE', 'PENDING', 'CONFIRMED', 'CANCELLED')),
    referrer_commission bigint NOT NULL DEFAULT 0 CHECK (referrer_commission >= 0),
    admin_commission    bigint NOT NULL DEFAULT 0 CHECK (admin_commission >= 0),
    -- Refund.
    refund_status       text CHECK (refund_status IN ('REFUND_REQUIRED', 'REFUND_INITIATED', 'REFUND_COMPLETED')),
    refund_amount       bigint CHECK (refund_amount >= 0),
    refund_reason       text,
    refund_requested_at timestamptz,
    refund_id           text,
    refund_processed_by uuid REFERENCES users (id),
    refund_processed_at timestamptz,
    refund_completed_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (check_in IS NULL OR check_out > check_in),
    CHECK (total = subtotal - discount),
    CHECK (referral_code_id IS NOT NULL OR commission_status = 'NONE'),
    CHECK (status NOT IN ('PAID', 'OWNER_CONFIRMED', 'TICKETS_ISSUED') OR paid_at IS NOT NULL),
    CHECK (refund_status IS NULL OR refund_amount IS NOT NULL),
    CHECK (refund_status NOT IN ('REFUND_INITIATED', 'REFUND_COMPLETED') OR refund_id IS NOT NULL)
);
CREATE INDEX orders_event ON orders (event_id, status);
CREATE INDEX orders_monitor ON orders (status, created_at) WHERE admin_alerted_at IS NULL;
CREATE INDEX orders_refund ON orders (refund_status) WHERE refund_status IS NOT NULL;
CREATE INDEX orders_commission ON orders (commission_status, referral_code_id);

-- The order's full history.
CREATE TABLE order_events (
    id          bigserial PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    actor_id    uuid REFERENCES users (id),
    kind        text NOT NULL,
    details     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id, id);

CREATE TABLE etickets (
    id             uuid PRIMARY KEY,
    order_id       uuid NOT NULL REFERENCES orders (id),
    seq            integer NOT NULL CHECK (seq > 0),
    -- 160 random bits, hex; looked up through its SHA-256 so a lookup's timing says nothing
    -- about how much of a guessed token matched.
    token          text NOT NULL,
    token_hash     bytea NOT NULL UNIQUE,
    holder_name    text NOT NULL,
    status         text NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'CHECKED_IN', 'VOID')),
    checked_in_at  timestamptz,
    checked_in_by  uuid REFERENCES users (id),
    voided_at      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, seq),
    CHECK ((status = 'CHECKED_IN') = (checked_in_at IS NOT NULL) OR status = 'VOID')
);

-- Owner Confirm / Cancel links: signed, single use, short-lived, bound to an order and action.
CREATE TABLE action_links (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id),
    action      text NOT NULL CHECK (action IN ('CONFIRM', 'CANCEL')),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_links_order ON action_links (order_id);
