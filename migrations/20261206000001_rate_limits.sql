-- Requests counted per client and action in fixed windows (platform::throttle::allow).
CREATE TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);
