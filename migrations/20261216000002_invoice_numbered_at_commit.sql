-- Invoices are numbered when the transaction that settles their payment commits.
--
-- Invoice numbers are gap-free: each takes the next value of its year's counter, and holds the
-- counter's row until its transaction commits. Numbered inside the settlement, an invoice held
-- the counter across the statements and round trips that followed it (the caller's last reads,
-- its COMMIT), and every approval waited for the one before it to finish all of that. Now the
-- settlement writes a draft; a deferred trigger numbers it at COMMIT, so the counter is held
-- only for the few rows below and the commit's own flush. The invoice is still written in
-- the same transaction as its payment: committed together, or not at all.
CREATE TABLE invoice_drafts (
    id           uuid PRIMARY KEY,
    year         integer NOT NULL,
    -- What the number starts with (`invoice_number_prefix`); six digits follow.
    prefix       text NOT NULL,
    family_id    uuid,
    payment_id   uuid NOT NULL,
    language     text NOT NULL,
    currency     text NOT NULL,
    lines        text NOT NULL,
    subtotal     bigint NOT NULL,
    tax_rate_bp  integer NOT NULL,
    tax          bigint NOT NULL,
    total        bigint NOT NULL,
    seller       text NOT NULL,
    buyer        text NOT NULL,
    issued_at    timestamptz NOT NULL,
    -- The e-mail that carries the invoice, and what stands for its number in that e-mail's text.
    mail         uuid NOT NULL,
    placeholder  text NOT NULL
);

CREATE FUNCTION invoice_drafts_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n text;
BEGIN
    DELETE FROM invoice_drafts WHERE id = NEW.id;
    -- From here to the end of the commit the counter's row is held, through the three writes
    -- below that need the number.
    INSERT INTO reference_counters (kind, year, last_value) VALUES ('INV', NEW.year, 1)
    ON CONFLICT (kind, year) DO UPDATE SET last_value = reference_counters.last_value + 1
    RETURNING NEW.prefix || lpad(last_value::text, 6, '0') INTO n;
    INSERT INTO invoices (id, number, family_id, payment_id, language, currency, lines, subtotal,
                          tax_rate_bp, tax, total, seller, buyer, issued_at)
    VALUES (NEW.id, n, NEW.family_id, NEW.payment_id, NEW.language, NEW.currency, NEW.lines,
            NEW.subtotal, NEW.tax_rate_bp, NEW.tax, NEW.total, NEW.seller, NEW.buyer, NEW.issued_at);
    INSERT INTO outbox_attachments (outbox_id, name, content_type, bytes, document)
    VALUES (NEW.mail, n || '.pdf', 'application/pdf', '', 'invoice:' || n);
    UPDATE outbox SET subject = replace(subject, NEW.placeholder, n), body = replace(body, NEW.placeholder, n)
     WHERE id = NEW.mail;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER invoice_drafts_number AFTER INSERT ON invoice_drafts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoice_drafts_number();
