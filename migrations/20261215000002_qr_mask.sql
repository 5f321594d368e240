-- The QR code's mask pattern (0-7), chosen once when the ticket is issued: every later drawing
-- of its QR code (page, PDF, e-mail) lays it directly instead of scoring all eight again.
-- Tickets issued before have none and are drawn with the search, as before.
ALTER TABLE etickets ADD COLUMN qr_mask smallint CHECK (qr_mask BETWEEN 0 AND 7);
