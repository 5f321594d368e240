-- The door's gates: staff name the gate they scan at (free text, "North gate"), each check-in
-- keeps it, and a trigger keeps per-gate counters beside the event's, split over 16 rows like
-- those so that many phones at one gate do not all wait on one row.

ALTER TABLE etickets ADD COLUMN checked_in_gate text NOT NULL DEFAULT '';

CREATE TABLE event_gate_counts (
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    gate        text NOT NULL,
    shard       smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
    checked_in  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, gate, shard)
);

INSERT INTO event_gate_counts (event_id, gate, shard, checked_in)
SELECT o.event_id, t.checked_in_gate, abs(hashtext(t.id::text)) % 16, count(*)
FROM etickets t JOIN orders o ON o.id = t.order_id
WHERE t.status = 'CHECKED_IN'
GROUP BY 1, 2, 3;

CREATE FUNCTION etickets_count_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'CHECKED_IN' THEN
        UPDATE event_gate_counts c SET checked_in = c.checked_in - 1
        FROM orders o
        WHERE o.id = OLD.order_id AND c.event_id = o.event_id AND c.gate = OLD.checked_in_gate
          AND c.shard = abs(hashtext(OLD.id::text)) % 16;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'CHECKED_IN' THEN
        INSERT INTO event_gate_counts AS c (event_id, gate, shard, checked_in)
        SELECT o.event_id, NEW.checked_in_gate, abs(hashtext(NEW.id::text)) % 16, 1
        FROM orders o WHERE o.id = NEW.order_id
        ON CONFLICT (event_id, gate, shard) DO UPDATE SET checked_in = c.checked_in + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER etickets_count_gate AFTER INSERT OR DELETE OR UPDATE OF status, checked_in_gate ON etickets
    FOR EACH ROW EXECUTE FUNCTION etickets_count_gate();
