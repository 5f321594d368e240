-- WhatsApp messages share the outbox with e-mails; every message about an order points at it,
-- so the order page can show its delivery log.
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('email', 'whatsapp'));
-- The Cloud API request body (JSON) of a WhatsApp message.
ALTER TABLE outbox ADD COLUMN payload text;
ALTER TABLE outbox ADD COLUMN order_id uuid REFERENCES orders (id);
CREATE INDEX outbox_order ON outbox (order_id) WHERE order_id IS NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_check CHECK (channel <> 'whatsapp' OR payload IS NOT NULL);
