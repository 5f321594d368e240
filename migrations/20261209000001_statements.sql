-- Operator statements (MTN MoMo, Orange Money) imported by admins and matched, line by line,
-- to the payment tickets families sent and the orders waiting for their payment.

-- The columns of each operator's export, as an admin last adjusted them.
CREATE TABLE statement_mappings (
    operator        text PRIMARY KEY CHECK (operator IN ('MTN_MOMO', 'ORANGE_MONEY')),
    transaction_id  text NOT NULL,
    amount          text NOT NULL,
    phone           text NOT NULL,
    paid_at         text NOT NULL,
    status_column   text NOT NULL DEFAULT '',
    status_ok       text NOT NULL DEFAULT '',
    updated_by      uuid REFERENCES users (id),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE statement_imports (
    id           uuid PRIMARY KEY,
    operator     text NOT NULL CHECK (operator IN ('MTN_MOMO', 'ORANGE_MONEY')),
    filename     text NOT NULL,
    imported_by  uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Lines that moved money in, and how many of them no earlier import had.
    lines_read   integer NOT NULL CHECK (lines_read >= 0),
    lines_new    integer NOT NULL CHECK (lines_new >= 0 AND lines_new <= lines_read),
    -- Set while its confident matches are being approved in the background.
    approving_since timestamptz
);
CREATE INDEX statement_imports_created_idx ON statement_imports (created_at DESC);

CREATE TABLE statement_lines (
    id              uuid PRIMARY KEY,
    import_id       uuid NOT NULL REFERENCES statement_imports (id),
    operator        text NOT NULL,
    -- The operator's transaction id, or what stands for it on a line without one: a line is
    -- kept once whatever the number of statements it appears in.
    line_key        text NOT NULL,
    row_number      integer NOT NULL,
    transaction_id  text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    phone           text NOT NULL,
    paid_at         timestamp,
    verdict         text NOT NULL CHECK (verdict IN ('CONFIDENT', 'AMBIGUOUS', 'ALREADY_APPROVED', 'UNMATCHED')),
    matched_by      text CHECK (matched_by IN ('TRANSACTION_ID', 'AMOUNT_AND_PHONE')),
    -- The payment tickets or orders it may have paid (one when confident).
    candidates      uuid[] NOT NULL DEFAULT '{}',
    state           text NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'APPROVED', 'DISMISSED')),
    -- The ticket or the order it paid, once approved: each is paid by one line at most.
    ticket_id       uuid REFERENCES payment_tickets (id),
    order_id        uuid REFERENCES orders (id),
    resolved_by     uuid REFERENCES users (id),
    resolved_at     timestamptz,
    UNIQUE (operator, line_key),
    CHECK ((state = 'APPROVED') = (ticket_id IS NOT NULL OR order_id IS NOT NULL)),
    CHECK (ticket_id IS NULL OR order_id IS NULL),
    CHECK ((state = 'OPEN') = (resolved_at IS NULL))
);
CREATE INDEX statement_lines_import_idx ON statement_lines (import_id, row_number);
CREATE UNIQUE INDEX statement_lines_ticket_idx ON statement_lines (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX statement_lines_order_idx ON statement_lines (order_id) WHERE order_id IS NOT NULL;
-- Matching reads pending tickets of one operator, and approved ones by transaction id.
CREATE INDEX payment_tickets_method_pending_idx ON payment_tickets (payment_method) WHERE status = 'PENDING';
CREATE INDEX payment_tickets_txid_lower_idx ON payment_tickets (lower(transaction_id));
CREATE INDEX orders_txid_lower_idx ON orders (lower(transaction_id)) WHERE transaction_id IS NOT NULL;
