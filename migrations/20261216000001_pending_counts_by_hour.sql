-- The admin queue's counters by the hour a ticket was submitted (UTC) instead of the day. The
-- overdue count adds the pending tickets of the cutoff's own bucket, read from the index: with
-- days that was up to a day of submissions on every page (1,300 rows in the bench's queue of
-- 10,000), with hours it is at most an hour of them. Four rows per hour (by ticket), so that
-- approvals at once rarely wait on the same row; the trigger stays deferred to the commit.
DROP TRIGGER payment_tickets_count_pending ON payment_tickets;
DROP TABLE pending_ticket_counts;
CREATE TABLE pending_ticket_counts (
    hour   timestamptz NOT NULL CHECK (hour = date_trunc('hour', hour, 'UTC')),
    shard  smallint NOT NULL CHECK (shard BETWEEN 0 AND 3),
    n      bigint NOT NULL,
    PRIMARY KEY (hour, shard)
);
INSERT INTO pending_ticket_counts (hour, shard, n)
SELECT date_trunc('hour', created_at, 'UTC'), abs(hashtext(id::text)) % 4, count(*)
FROM payment_tickets WHERE status = 'PENDING'
GROUP BY 1, 2;
CREATE OR REPLACE FUNCTION payment_tickets_count_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'PENDING' THEN
        UPDATE pending_ticket_counts SET n = n - 1
        WHERE hour = date_trunc('hour', OLD.created_at, 'UTC') AND shard = abs(hashtext(OLD.id::text)) % 4;
        DELETE FROM pending_ticket_counts
        WHERE hour = date_trunc('hour', OLD.created_at, 'UTC') AND shard = abs(hashtext(OLD.id::text)) % 4 AND n = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'PENDING' THEN
        INSERT INTO pending_ticket_counts AS c (hour, shard, n)
        VALUES (date_trunc('hour', NEW.created_at, 'UTC'), abs(hashtext(NEW.id::text)) % 4, 1)
        ON CONFLICT (hour, shard) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER payment_tickets_count_pending
    AFTER INSERT OR DELETE OR UPDATE OF status, created_at ON payment_tickets
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payment_tickets_count_pending();
