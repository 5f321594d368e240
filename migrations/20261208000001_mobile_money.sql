-- Mobile money paid from the payer's phone: the wallet asked, kept with the payment so a
-- request to pay can be sent again under the same id and the payer reported by the operator
-- compared with it.
ALTER TABLE payments ADD COLUMN payer_msisdn text CHECK (payer_msisdn ~ '^[0-9]{8,15}$');

-- The built-in sandbox playing MTN MoMo in the demo: the requests to pay it received and what
-- the payer's (pretend) phone answered.
CREATE TABLE sandbox_momo_requests (
    reference_id uuid PRIMARY KEY,
    body         jsonb NOT NULL,
    callback_url text,
    polls        integer NOT NULL DEFAULT 0,
    decision     text CHECK (decision IN ('SUCCESSFUL', 'APPROVAL_REJECTED', 'NOT_ENOUGH_FUNDS')),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Orange Money: the notif_token Orange gave for the payment (encrypted), which its unsigned
-- notification must carry.
ALTER TABLE payments ADD COLUMN notif_token bytea;

-- The built-in sandbox playing Orange Money Web Payment in the demo.
CREATE TABLE sandbox_orange_payments (
    pay_token   text PRIMARY KEY,
    order_id    text NOT NULL UNIQUE,
    amount      bigint NOT NULL,
    notif_token text NOT NULL,
    notif_url   text NOT NULL,
    return_url  text NOT NULL,
    status      text NOT NULL DEFAULT 'INITIATED' CHECK (status IN ('INITIATED', 'SUCCESS', 'FAILED')),
    txnid       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- An order paid from the phone says so.
ALTER TABLE orders DROP CONSTRAINT orders_paid_via_check;
ALTER TABLE orders ADD CONSTRAINT orders_paid_via_check
    CHECK (paid_via IN ('PROOF', 'CASH', 'CARD', 'MOBILE_MONEY'));
