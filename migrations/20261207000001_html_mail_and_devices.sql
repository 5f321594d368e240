-- Inline images of HTML e-mails (the e-ticket's QR code), referenced from the HTML by Content-ID.
ALTER TABLE outbox_attachments ADD COLUMN content_id text;
-- A document made when the e-mail is sent (`invoice:INV-2026-000001`), so the transaction that
-- takes an invoice's gap-free number does not hold the year's counter while a PDF is drawn.
ALTER TABLE outbox_attachments ADD COLUMN document text;

-- The browsers each account has signed in from (a digest of the User-Agent): a sign-in from one
-- not seen before, on an account that has signed in elsewhere, is told to the account's owner.
CREATE TABLE sign_in_devices (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device     text NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, device)
);
