-- The door: a short code printed under each e-ticket's QR code, for staff to type when a
-- camera cannot read it (eight characters of Crockford's base 32, unique), and the counters
-- the door shows, kept by a trigger instead of recounting an event's tickets on every scan.

CREATE FUNCTION new_door_code() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + floor(random() * 32)::int, 1), '')
    FROM generate_series(1, 8)
$$;

ALTER TABLE etickets ADD COLUMN door_code text;
UPDATE etickets SET door_code = new_door_code();
-- Forty random bits each: among many existing tickets two may draw the same code; those draw
-- again until every code is unique.
DO $$
BEGIN
    LOOP
        UPDATE etickets SET door_code = new_door_code()
        WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY door_code ORDER BY id) AS n
                                     FROM etickets) d
                     WHERE d.n > 1);
        EXIT WHEN NOT FOUND;
    END LOOP;
END
$$;
ALTER TABLE etickets
    ALTER COLUMN door_code SET DEFAULT new_door_code(),
    ALTER COLUMN door_code SET NOT NULL;
CREATE UNIQUE INDEX etickets_door_code ON etickets (door_code);

-- Per event, split over 16 rows (by ticket) so that scans at many gates at once do not all
-- wait on one row; the door adds them up.
CREATE TABLE event_door_counts (
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    shard       smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
    issued      bigint NOT NULL DEFAULT 0,
    checked_in  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, shard)
);

INSERT INTO event_door_counts (event_id, shard, issued, checked_in)
SELECT o.event_id, abs(hashtext(t.id::text)) % 16,
       count(*) FILTER (WHERE t.status <> 'VOID'), count(*) FILTER (WHERE t.status = 'CHECKED_IN')
FROM etickets t JOIN orders o ON o.id = t.order_id
GROUP BY 1, 2;

CREATE FUNCTION etickets_count_door() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d_issued  integer := 0;
    d_checked integer := 0;
    row_id    uuid;
    order_id_ uuid;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d_issued  := d_issued + (NEW.status <> 'VOID')::int;
        d_checked := d_checked + (NEW.status = 'CHECKED_IN')::int;
        row_id := NEW.id; order_id_ := NEW.order_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d_issued  := d_issued - (OLD.status <> 'VOID')::int;
        d_checked := d_checked - (OLD.status = 'CHECKED_IN')::int;
        row_id := OLD.id; order_id_ := OLD.order_id;
    END IF;
    IF d_issued <> 0 OR d_checked <> 0 THEN
        INSERT INTO event_door_counts AS c (event_id, shard, issued, checked_in)
        SELECT o.event_id, abs(hashtext(row_id::text)) % 16, d_issued, d_checked
        FROM orders o WHERE o.id = order_id_
        ON CONFLICT (event_id, shard) DO UPDATE
            SET issued = c.issued + EXCLUDED.issued, checked_in = c.checked_in + EXCLUDED.checked_in;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER etickets_count_door AFTER INSERT OR DELETE OR UPDATE OF status ON etickets
    FOR EACH ROW EXECUTE FUNCTION etickets_count_door();
