-- Where families send mobile money: each method may have several receiving numbers, set by
-- an admin and shown wherever a family pays.
CREATE TABLE pay_accounts (
    id          uuid PRIMARY KEY,
    method      text NOT NULL REFERENCES payment_methods (code),
    number      text NOT NULL CHECK (number ~ '^\+[0-9]{8,15}$'),
    holder      text NOT NULL CHECK (length(holder) BETWEEN 2 AND 80),
    -- The code a payer dials to pay from a basic phone (`*126#`), empty when none.
    ussd        text NOT NULL DEFAULT '' CHECK (ussd ~ '^[*#0-9]{0,40}$'),
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (method, number)
);

-- The ticket reference a family is shown on `/pay` before it sends money, so the transfer's
-- message names it; the submission then takes it. One per user at a time.
CREATE TABLE reserved_ticket_references (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reference   text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
