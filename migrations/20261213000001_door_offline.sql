-- The door offline: phones that downloaded an event's check-in list, the scans they made while
-- offline (each with the id the phone gave it, so a scan uploaded twice counts once), and a
-- change number on each ticket so that a phone pulls only what changed since its last sync.

CREATE SEQUENCE etickets_door_seq;
ALTER TABLE etickets
    ADD COLUMN door_seq bigint NOT NULL DEFAULT nextval('etickets_door_seq'),
    -- The phone that checked it in offline, as its staff named it; empty online.
    ADD COLUMN checked_in_device text NOT NULL DEFAULT '';
CREATE INDEX etickets_by_door_seq ON etickets (door_seq);

CREATE FUNCTION etickets_next_door_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.door_seq := nextval('etickets_door_seq');
    RETURN NEW;
END
$$;

CREATE TRIGGER etickets_next_door_seq BEFORE UPDATE OF status, holder_name ON etickets
    FOR EACH ROW EXECUTE FUNCTION etickets_next_door_seq();

CREATE TABLE door_devices (
    id          uuid PRIMARY KEY,
    staff_id    uuid NOT NULL REFERENCES users (id),
    name        text NOT NULL,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- The browser session the phone signed in with: revoking the phone ends it.
    session_id  text,
    list_at     timestamptz NOT NULL DEFAULT now(),
    synced_at   timestamptz,
    revoked_at  timestamptz,
    revoked_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX door_devices_event ON door_devices (event_id);

CREATE TABLE door_scans (
    id          uuid PRIMARY KEY,
    device_id   uuid NOT NULL REFERENCES door_devices (id) ON DELETE CASCADE,
    ticket_id   uuid NOT NULL REFERENCES etickets (id) ON DELETE CASCADE,
    scanned_at  timestamptz NOT NULL,
    gate        text NOT NULL DEFAULT '',
    -- CHECKED_IN (this scan let the guest in), CONFLICT (checked in before, elsewhere) or VOID.
    outcome     text NOT NULL CHECK (outcome IN ('CHECKED_IN', 'CONFLICT', 'VOID')),
    synced_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX door_scans_ticket ON door_scans (ticket_id);
