-- Each event's door team: the people an admin lets check guests in at that event's door, and
-- only that event's. Users with the staff or admin role work every door, and an event's
-- organiser works its own.
CREATE TABLE event_staff (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_by uuid REFERENCES users (id) ON DELETE SET NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_staff_user_idx ON event_staff (user_id);

-- Whether `p_user` may work the door of `p_event`. One definition, used by every statement
-- that answers the door (scans, the check-in list, its sync, the counters).
CREATE FUNCTION works_door(p_user uuid, p_event uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM users WHERE id = p_user AND role IN ('staff', 'admin'))
        OR EXISTS (SELECT 1 FROM event_staff WHERE event_id = p_event AND user_id = p_user)
        OR EXISTS (SELECT 1 FROM events WHERE id = p_event AND organiser_id = p_user)
$$;

-- Whether `p_user` works at least one door.
CREATE FUNCTION works_a_door(p_user uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM users WHERE id = p_user AND role IN ('staff', 'admin'))
        OR EXISTS (SELECT 1 FROM event_staff WHERE user_id = p_user)
        OR EXISTS (SELECT 1 FROM events WHERE organiser_id = p_user)
$$;
