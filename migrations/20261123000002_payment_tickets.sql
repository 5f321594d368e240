-- Plans, subscriptions, the payments ledger and mobile-money payment tickets.

CREATE TABLE plans (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
    name_en     text NOT NULL,
    name_fr     text NOT NULL,
    currency    text NOT NULL DEFAULT 'XAF' CHECK (currency IN ('XAF', 'EUR', 'USD', 'HTG', 'TRY', 'INR')),
    -- The smallest amount a ticket for this plan may declare, in minor units.
    min_amount  bigint NOT NULL CHECK (min_amount > 0),
    active      boolean NOT NULL DEFAULT true,
    position    integer NOT NULL DEFAULT 0
);

CREATE TABLE plan_prices (
    plan_code      text NOT NULL REFERENCES plans (code),
    duration_days  integer NOT NULL CHECK (duration_days BETWEEN 1 AND 3660),
    amount         bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (plan_code, duration_days)
);

CREATE TABLE payment_methods (
    code      text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
    name_en   text NOT NULL,
    name_fr   text NOT NULL,
    enabled   boolean NOT NULL DEFAULT true,
    position  integer NOT NULL DEFAULT 0
);

INSERT INTO plans (code, name_en, name_fr, currency, min_amount, position) VALUES
    ('FAMILY_MANAGER', 'Family manager', 'Gestionnaire Famille', 'XAF', 15000, 1),
    ('INDIVIDUAL_STUDENT', 'Individual student', 'Étudiant individuel', 'XAF', 5000, 2);
INSERT INTO plan_prices (plan_code, duration_days, amount) VALUES
    ('FAMILY_MANAGER', 30, 15000), ('FAMILY_MANAGER', 90, 40000), ('FAMILY_MANAGER', 365, 150000),
    ('INDIVIDUAL_STUDENT', 30, 5000), ('INDIVIDUAL_STUDENT', 90, 13500), ('INDIVIDUAL_STUDENT', 365, 50000);
INSERT INTO payment_methods (code, name_en, name_fr, position) VALUES
    ('MTN_MOMO', 'MTN Mobile Money', 'MTN Mobile Money', 1),
    ('ORANGE_MONEY', 'Orange Money', 'Orange Money', 2);

CREATE TABLE subscriptions (
    family_id           uuid PRIMARY KEY REFERENCES families (id),
    plan_code           text NOT NULL REFERENCES plans (code),
    status              text NOT NULL CHECK (status IN ('TRIALING', 'ACTIVE', 'PAST_DUE', 'EXPIRED', 'CANCELLED')),
    current_period_end  timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Gap-free numbering per year: the counter row is updated in the transaction of the insert.
CREATE TABLE reference_counters (
    kind        text NOT NULL,
    year        integer NOT NULL,
    last_value  integer NOT NULL,
    PRIMARY KEY (kind, year)
);

CREATE TABLE payment_tickets (
    id                  uuid PRIMARY KEY,
    reference           text NOT NULL UNIQUE CHECK (reference ~ '^TKT-[0-9]{4}-[0-9]{5,}$'),
    family_id           uuid NOT NULL REFERENCES families (id),
    submitter_id        uuid NOT NULL REFERENCES users (id),
    plan_code           text NOT NULL REFERENCES plans (code),
    duration_days       integer NOT NULL CHECK (duration_days > 0),
    amount              bigint NOT NULL CHECK (amount > 0),
    currency            text NOT NULL,
    payment_method      text NOT NULL REFERENCES payment_methods (code),
    phone_number        text NOT NULL,
    transaction_id      text NOT NULL,
    user_notes          text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
    admin_notes         text NOT NULL DEFAULT '',
    rejection_reason    text,
    reviewer_id         uuid REFERENCES users (id),
    reviewed_at         timestamptz,
    proof_key           text,
    proof_sha256        text,
    proof_content_type  text,
    proof_size          bigint,
    proof_filename      text,
    ip_address          text NOT NULL DEFAULT '',
    user_agent          text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'REJECTED' OR rejection_reason IS NOT NULL),
    CHECK ((status IN ('APPROVED', 'REJECTED')) = (reviewer_id IS NOT NULL AND reviewed_at IS NOT NULL))
);
CREATE INDEX payment_tickets_family_idx ON payment_tickets (family_id, created_at DESC);
CREATE INDEX payment_tickets_status_idx ON payment_tickets (status, created_at);
CREATE INDEX payment_tickets_txid_idx ON payment_tickets (transaction_id);
CREATE INDEX payment_tickets_proof_idx ON payment_tickets (proof_sha256);

CREATE TABLE ticket_events (
    id          bigserial PRIMARY KEY,
    ticket_id   uuid NOT NULL REFERENCES payment_tickets (id),
    actor_id    uuid REFERENCES users (id),
    kind        text NOT NULL,
    details     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE TABLE payments (
    id            uuid PRIMARY KEY,
    family_id     uuid NOT NULL REFERENCES families (id),
    amount        bigint NOT NULL CHECK (amount > 0),
    currency      text NOT NULL,
    status        text NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUNDED')),
    method        text NOT NULL,
    provider      text NOT NULL,
    ticket_id     uuid UNIQUE REFERENCES payment_tickets (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);

-- Jobs that run once a day whatever the number of instances: the row is the claim.
CREATE TABLE job_runs (
    name         text PRIMARY KEY,
    last_run_on  date NOT NULL
);
