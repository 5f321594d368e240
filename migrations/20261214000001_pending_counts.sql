-- The admin queue's counts (pending, overdue) without counting the pending tickets on every
-- page: a trigger keeps how many tickets are pending per day they were submitted (UTC), split
-- over 16 rows per day (by ticket) so that approvals at once rarely wait on the same row. The
-- trigger is deferred to the commit, so an approval holds a counter row for no longer than its
-- commit. Overdue = the days wholly before the cutoff, plus the pending tickets of the cutoff's
-- own day that are older than it (read from the (status, created_at) index).
CREATE TABLE pending_ticket_counts (
    day    date NOT NULL,
    shard  smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
    n      bigint NOT NULL,
    PRIMARY KEY (day, shard)
);
INSERT INTO pending_ticket_counts (day, shard, n)
SELECT (created_at AT TIME ZONE 'UTC')::date, abs(hashtext(id::text)) % 16, count(*)
FROM payment_tickets WHERE status = 'PENDING'
GROUP BY 1, 2;
CREATE FUNCTION payment_tickets_count_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'PENDING' THEN
        UPDATE pending_ticket_counts SET n = n - 1
        WHERE day = (OLD.created_at AT TIME ZONE 'UTC')::date AND shard = abs(hashtext(OLD.id::text)) % 16;
        DELETE FROM pending_ticket_counts
        WHERE day = (OLD.created_at AT TIME ZONE 'UTC')::date AND shard = abs(hashtext(OLD.id::text)) % 16 AND n = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'PENDING' THEN
        INSERT INTO pending_ticket_counts AS c (day, shard, n)
        VALUES ((NEW.created_at AT TIME ZONE 'UTC')::date, abs(hashtext(NEW.id::text)) % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER payment_tickets_count_pending
    AFTER INSERT OR DELETE OR UPDATE OF status, created_at ON payment_tickets
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payment_tickets_count_pending();
-- The queue pages by (created_at, id) from the last row shown (keyset pagination): the index
-- serves the order and the cursor.
CREATE INDEX payment_tickets_queue_idx ON payment_tickets (status, created_at, id);
DROP INDEX payment_tickets_status_idx;
