//! Load test of the payment-ticket endpoints against a running release server.
//!
//! Run by `./dev bench`, which builds the release server, starts it on a fresh database and
//! passes its address, database URL and process id. Seeds 10,000 tickets, then measures
//! requests per second and p99 latency of the admin pending list, of submissions with a 1 MB
//! proof and of approvals, and the server's peak memory during 20 concurrent 5 MB uploads.
//! Then 2,000 issued e-tickets: the e-ticket page `/t/{token}`, check-ins at the door, and the
//! bytes a guest downloads to see an e-ticket. Last, billing: Stripe webhooks (each of 2,000
//! events delivered three times, concurrently) and the `/billing` page of a signed-in manager.
//! Then one poll cycle over 10,000 orders waiting for SumUp (a stand-in answering in 20 ms),
//! run by `tessera payments poll --all`. And an operator statement of 10,000 lines imported
//! against 10,000 pending tickets, imported again, and its sure matches approved in bulk
//! (`./dev bench statements` runs that alone).

use std::{
    io::Cursor,
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::multipart::{Form, Part};
use sqlx::PgPool;

struct Args {
    addr: String,
    database_url: String,
    server_pid: u32,
    /// `--only poller`, `--only statements`, `--only door` or `--only production`: that
    /// scenario alone
    /// (`./dev bench poller`).
    only: Option<String>,
}

fn args() -> Args {
    let a: Vec<String> = std::env::args().collect();
    let get = |name: &str| a.windows(2).find(|w| w[0] == name).map(|w| w[1].clone());
    Args {
        addr: get("--addr").unwrap_or_else(|| "http://127.0.0.1:3108".into()),
        database_url: get("--database-url").expect("--database-url"),
        server_pid: get("--pid").and_then(|p| p.parse().ok()).expect("--pid"),
        only: get("--only"),
    }
}

/// A PNG of about `bytes` bytes: noise does not compress.
fn png_of(bytes: usize) -> Vec<u8> {
    let side = ((bytes / 3) as f64).sqrt() as u32;
    let mut seed = 0x2545_F491u32;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn form(txid: &str, proof: Vec<u8>) -> Form {
    Form::new()
        .text("amount", "15000")
        .text("planType", "FAMILY_MANAGER")
        .text("durationDays", "30")
        .text("paymentMethod", "MTN_MOMO")
        .text("phoneNumber", "+237695000000")
        .text("transactionId", txid.to_string())
        .part("proof", Part::bytes(proof).file_name("proof.png"))
}

async fn token(c: &reqwest::Client, addr: &str, email: &str, password: &str) -> String {
    let v: serde_json::Value = c
        .post(format!("{addr}/api/auth/token"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token json");
    v["data"]["token"].as_str().expect("token").to_string()
}

struct Report {
    name: &'static str,
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Report {
    fn print(&mut self) {
        self.latencies.sort();
        let p = |q: f64| {
            self.latencies
                .get(
                    ((self.latencies.len() as f64 * q) as usize)
                        .min(self.latencies.len().saturating_sub(1)),
                )
                .copied()
                .unwrap_or_default()
        };
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            self.name,
            self.requests,
            self.errors,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            p(0.50).as_secs_f64() * 1000.0,
            p(0.99).as_secs_f64() * 1000.0,
        );
    }
}

/// Runs `total` requests made by `make(i)` with `concurrency` in flight.
async fn measure<F, Fut>(name: &'static str, total: usize, concurrency: usize, make: F) -> Report
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let make = Arc::new(make);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (make, next) = (make.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t = Instant::now();
                if !make(i).await {
                    errors += 1;
                }
                lat.push(t.elapsed());
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.expect("worker");
        latencies.extend(l);
        errors += e;
    }
    Report {
        name,
        requests: total,
        errors,
        elapsed: start.elapsed(),
        latencies,
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn current_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let a = args();
    let pool = PgPool::connect(&a.database_url).await.expect("database");
    let c = reqwest::Client::new();
    let addr = a.addr.clone();

    // Accounts: one family (its manager submits), one admin.
    let reg = c
        .post(format!("{addr}/fn/register"))
        .form(&[
            ("name", "Bench Family"),
            ("email", "bench@example.cm"),
            ("phone", "677000000"),
            ("password", "bench password 1"),
            ("family_name", "Famille Bench"),
        ])
        .send()
        .await
        .expect("register");
    assert!(
        reg.status().is_success() || reg.status().is_redirection(),
        "register: {}",
        reg.status()
    );
    sqlx::query("INSERT INTO users (id, name, email, phone, password_hash, role) SELECT gen_random_uuid(), 'Bench Admin', 'benchadmin@example.cm', phone, password_hash, 'admin' FROM users WHERE email = 'bench@example.cm'")
        .execute(&pool)
        .await
        .expect("admin");
    let family_token = token(&c, &addr, "bench@example.cm", "bench password 1").await;
    let admin_token = token(&c, &addr, "benchadmin@example.cm", "bench password 1").await;
    if a.only.as_deref() == Some("poller") {
        poller(&pool, &a.database_url).await;
        return;
    }
    if a.only.as_deref() == Some("statements") {
        statements(&pool, &addr).await;
        return;
    }
    if a.only.as_deref() == Some("door") {
        door(&pool, &addr).await;
        return;
    }
    if a.only.as_deref() == Some("production") {
        production(&pool, &addr, a.server_pid, &family_token, &admin_token).await;
        return;
    }

    // 10,000 tickets, most of them reviewed, 2,000 pending.
    let seeded = Instant::now();
    sqlx::query(
        "WITH u AS (SELECT id, family_id FROM users WHERE email = 'bench@example.cm'),
              a AS (SELECT id FROM users WHERE email = 'benchadmin@example.cm')
         INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days, amount, currency,
             payment_method, phone_number, transaction_id, status, reviewer_id, reviewed_at, rejection_reason, created_at)
         SELECT gen_random_uuid(), 'TKT-2000-' || lpad(n::text, 5, '0'), u.family_id, u.id, 'FAMILY_MANAGER', 30, 15000, 'XAF',
                CASE WHEN n % 2 = 0 THEN 'MTN_MOMO' ELSE 'ORANGE_MONEY' END, '+237695000000', 'SEED' || n,
                CASE WHEN n <= 2000 THEN 'PENDING' WHEN n % 10 = 0 THEN 'REJECTED' ELSE 'APPROVED' END,
                CASE WHEN n <= 2000 THEN NULL ELSE a.id END,
                CASE WHEN n <= 2000 THEN NULL ELSE now() - (n || ' minutes')::interval END,
                CASE WHEN n > 2000 AND n % 10 = 0 THEN 'seeded' END,
                now() - (n || ' minutes')::interval
         FROM generate_series(1, 10000) n, u, a",
    )
    .execute(&pool)
    .await
    .expect("seed");
    println!(
        "seeded 10000 tickets in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    println!("\n| operation | requests | errors | req/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |");
    let (c1, a1, t1) = (c.clone(), addr.clone(), admin_token.clone());
    measure(
        "admin pending list (100 of 2,000 pending)",
        2000,
        16,
        move |_| {
            let (c, a, t) = (c1.clone(), a1.clone(), t1.clone());
            async move {
                c.get(format!("{a}/api/admin/payment-tickets/tickets/pending"))
                    .bearer_auth(t)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        },
    )
    .await
    .print();

    let proof = Arc::new(png_of(1024 * 1024));
    let (c2, a2, t2, p2) = (c.clone(), addr.clone(), family_token.clone(), proof.clone());
    measure("submission with a 1 MB proof", 200, 8, move |i| {
        let (c, a, t, p) = (c2.clone(), a2.clone(), t2.clone(), p2.clone());
        async move {
            c.post(format!("{a}/api/payment-tickets/submit"))
                .bearer_auth(t)
                .multipart(form(&format!("BENCH{i:06}"), (*p).clone()))
                .send()
                .await
                .is_ok_and(|r| r.status().as_u16() == 201)
        }
    })
    .await
    .print();

    let pending: Vec<String> = sqlx::query_scalar("SELECT id::text FROM payment_tickets WHERE status = 'PENDING' ORDER BY created_at LIMIT 1000")
        .fetch_all(&pool)
        .await
        .expect("pending ids");
    let pending = Arc::new(pending);
    let (c3, a3, t3) = (c.clone(), addr.clone(), admin_token.clone());
    let n = pending.len();
    measure("approval", n, 16, move |i| {
        let (c, a, t, ids) = (c3.clone(), a3.clone(), t3.clone(), pending.clone());
        async move {
            c.post(format!(
                "{a}/api/admin/payment-tickets/tickets/{}/approve",
                ids[i]
            ))
            .bearer_auth(t)
            .json(&serde_json::json!({ "adminNotes": "bench" }))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        }
    })
    .await
    .print();

    // Peak memory while 20 uploads of 5 MB are in flight at once.
    println!(
        "\nserver memory during 20 concurrent uploads of ~5 MB (VmHWM): {}",
        upload_peak(&c, &addr, a.server_pid, &family_token).await
    );

    // E-tickets: 2,000 issued tickets for one event, a staff session at the door.
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, sold, price, currency)
         VALUES (gen_random_uuid(), 'bench-fest', 'EVENT', 'Bench Festival', 'Yaoundé', now() + interval '5 days',
                 now() + interval '5 days 6 hours', 10000, 2000, 5000, 'XAF')",
    )
    .execute(&pool)
    .await
    .expect("event");
    sqlx::query(
        "WITH e AS (SELECT id FROM events WHERE slug = 'bench-fest'),
              o AS (INSERT INTO orders (id, reference, event_id, buyer_name, buyer_email, buyer_phone, quantity,
                                        unit_price, subtotal, total, amount_paid, currency, status, paid_at, tickets_issued_at)
                    SELECT gen_random_uuid(), 'ORD-2000-' || lpad(n::text, 5, '0'), e.id, 'Guest ' || n, 'g' || n || '@example.cm',
                           '+237677000000', 1, 5000, 5000, 5000, 5000, 'XAF', 'TICKETS_ISSUED', now(), now()
                    FROM generate_series(1, 2000) n, e
                    RETURNING id, reference, buyer_name)
         INSERT INTO etickets (id, order_id, seq, token, token_hash, holder_name)
         SELECT gen_random_uuid(), o.id, 1, t.token, sha256(convert_to(t.token, 'UTF8')), o.buyer_name
         FROM o, LATERAL (SELECT substr(md5(o.reference) || md5(o.reference || 'x'), 1, 40) AS token) t",
    )
    .execute(&pool)
    .await
    .expect("tickets");
    let tokens: Vec<String> = sqlx::query_scalar("SELECT token FROM etickets ORDER BY token")
        .fetch_all(&pool)
        .await
        .expect("tokens");
    keep_qr_masks(&pool, &tokens).await;
    let tokens = Arc::new(tokens);
    let (c5, a5, k5) = (c.clone(), addr.clone(), tokens.clone());
    measure("e-ticket page /t/{token}", 2000, 16, move |i| {
        let (c, a, k) = (c5.clone(), a5.clone(), k5.clone());
        async move {
            c.get(format!("{a}/t/{}", k[i % k.len()]))
                .header("accept", "text/html")
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await
    .print();

    sqlx::query("UPDATE users SET role = 'staff' WHERE email = 'bench@example.cm'")
        .execute(&pool)
        .await
        .expect("staff");
    // Sixteen phones at the door, each with its own staff session.
    let doors = sessions(&addr, "bench@example.cm", 16).await;
    let doors = Arc::new(doors);
    let (a6, k6) = (addr.clone(), tokens.clone());
    measure(
        "check-in (each ticket once, 16 phones)",
        2000,
        16,
        move |i| {
            let (c, a, k) = (doors[i % 16].clone(), a6.clone(), k6.clone());
            async move { scan(&c, &a, &k[i]).await }
        },
    )
    .await
    .print();
    let checked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM etickets WHERE status = 'CHECKED_IN'")
            .fetch_one(&pool)
            .await
            .expect("count");
    println!("\nchecked in: {checked} of {} tickets", tokens.len());

    // What a guest downloads to see an e-ticket: the page and what it links to.
    let page = c
        .get(format!("{addr}/t/{}", tokens[0]))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let mut assets = Vec::new();
    for attr in ["href=\"/", "src=\""] {
        for part in page.split(attr).skip(1) {
            let path = part.split('"').next().unwrap_or("");
            let path = path.trim_start_matches('/');
            if path.starts_with("pkg/") {
                assets.push(format!("/{path}"));
            }
        }
    }
    assets.sort();
    assets.dedup();
    // Bytes on the wire, as a browser asks for them (gzip) and plain.
    let fetch = |path: String, gzip: bool| {
        let c = c.clone();
        async move {
            let mut req = c.get(path).header("accept", "text/html,text/css,*/*");
            if gzip {
                req = req.header("accept-encoding", "gzip");
            }
            req.send()
                .await
                .expect("fetch")
                .bytes()
                .await
                .expect("bytes")
                .len()
        }
    };
    let mut paths = vec![format!("/t/{}", tokens[0])];
    paths.extend(assets.iter().cloned());
    let (mut plain, mut gzipped) = (0, 0);
    for p in &paths {
        plain += fetch(format!("{addr}{p}"), false).await;
        gzipped += fetch(format!("{addr}{p}"), true).await;
    }
    let shown: Vec<&str> = paths
        .iter()
        .map(|p| {
            if p.starts_with("/t/") {
                "/t/{token}"
            } else {
                p.as_str()
            }
        })
        .collect();
    println!(
        "e-ticket download: {shown:?}: {gzipped} bytes gzipped ({plain} bytes uncompressed); WebAssembly: {}",
        if page.contains(".wasm") { "yes" } else { "none" }
    );

    billing(&pool, &c, &addr).await;
    poller(&pool, &a.database_url).await;
    statements(&pool, &addr).await;
}

/// `n` clients signed in as `email` (the bench's password), each with its own session.
async fn sessions(addr: &str, email: &str, n: usize) -> Vec<reqwest::Client> {
    let mut clients = Vec::new();
    for _ in 0..n {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let login = client
            .post(format!("{addr}/fn/login"))
            .header("origin", addr)
            .form(&[("email", email), ("password", "bench password 1")])
            .send()
            .await
            .expect("login");
        assert!(
            login.status().is_success(),
            "{email} login: {}",
            login.status()
        );
        clients.push(client);
    }
    clients
}

/// One scan at the door, answered as a script reads it (JSON); whether it was answered.
async fn scan(c: &reqwest::Client, addr: &str, code: &str) -> bool {
    c.post(format!("{addr}/fn/check_in"))
        .header("origin", addr)
        .header("accept", "application/json")
        .form(&[("code", code)])
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

/// An event of `tickets` issued e-tickets (orders of 50, referenced `ORD-{year}-…`), for the
/// door; their tokens.
async fn door_event(pool: &PgPool, slug: &str, year: i32, tickets: i64) -> Vec<String> {
    const PER_ORDER: i64 = 50;
    let seeded = Instant::now();
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, sold, price, currency, max_per_order)
         VALUES (gen_random_uuid(), $3, 'EVENT', 'Bench door', 'Stade', now() + interval '1 day',
                 now() + interval '1 day 6 hours', $1, $1, 5000, 'XAF', $2)",
    )
    .bind(tickets as i32)
    .bind(PER_ORDER as i32)
    .bind(slug)
    .execute(pool)
    .await
    .expect("event");
    sqlx::query(
        "INSERT INTO orders (id, reference, event_id, buyer_name, buyer_email, buyer_phone, quantity, unit_price,
                             subtotal, total, amount_paid, currency, status, paid_at, paid_via, tickets_issued_at)
         SELECT gen_random_uuid(), 'ORD-' || $4 || '-' || lpad(n::text, 5, '0'), e.id, 'Guest ' || n, 'g' || n || '@example.cm',
                '677000000', $2, 5000, 5000 * $2, 5000 * $2, 5000 * $2, 'XAF', 'TICKETS_ISSUED', now(), 'CASH', now()
         FROM generate_series(1, $1 / $2) n, events e WHERE e.slug = $3",
    )
    .bind(tickets)
    .bind(PER_ORDER as i32)
    .bind(slug)
    .bind(year.to_string())
    .execute(pool)
    .await
    .expect("orders");
    let tokens: Vec<String> = sqlx::query_scalar(
        "WITH t AS (
             INSERT INTO etickets (id, order_id, seq, token, token_hash, holder_name)
             SELECT gen_random_uuid(), o.id, s, tok, sha256(convert_to(tok, 'UTF8')), o.buyer_name
             FROM orders o JOIN events e ON e.id = o.event_id AND e.slug = $1,
                  generate_series(1, o.quantity) s,
                  LATERAL (SELECT md5(random()::text || o.id::text || s) || substr(md5(random()::text), 1, 8) AS tok) k
             RETURNING token)
         SELECT token FROM t",
    )
    .bind(slug)
    .fetch_all(pool)
    .await
    .expect("tickets");
    assert_eq!(tokens.len() as i64, tickets);
    planner_statistics(pool).await;
    println!(
        "seeded {tickets} tickets of one event ({slug}) in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    tokens
}

/// Chooses and keeps each seeded ticket's QR mask, as issuing a ticket does, for the link the
/// bench server makes (its default base address), on both cores.
async fn keep_qr_masks(pool: &PgPool, tokens: &[String]) {
    let started = Instant::now();
    let masks: Vec<i16> = std::thread::scope(|s| {
        let half = tokens.len().div_ceil(2).max(1);
        let parts: Vec<_> = tokens
            .chunks(half)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|t| {
                            let link = format!("http://127.0.0.1:3000/t/{t}");
                            i16::from(tessera::platform::qr::best(&link).expect("qr").mask)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("qr thread"))
            .collect()
    });
    sqlx::query(
        "UPDATE etickets t SET qr_mask = m.mask
         FROM unnest($1::text[], $2::smallint[]) AS m(token, mask) WHERE t.token = m.token",
    )
    .bind(tokens)
    .bind(&masks)
    .execute(pool)
    .await
    .expect("masks");
    println!(
        "chose the QR masks of {} tickets in {:.1} s",
        tokens.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The door at a festival: 20,000 issued tickets of one event, 50 phones scanning at once
/// (each with its own staff session), every ticket scanned once through `/fn/check_in`, the
/// answer a scanner reads (JSON). Then the door offline: a phone downloads another event's
/// list of 20,000 tickets, and syncs 5,000 scans it queued offline in one request; a second
/// phone syncs 5,000 scans of the same tickets (all conflicts); the first sends its sync again
/// (nothing new).
async fn door(pool: &PgPool, addr: &str) {
    const TICKETS: i64 = 20_000;
    const PHONES: usize = 50;
    let tokens = door_event(pool, "bench-door", 2000, TICKETS).await;
    sqlx::query("UPDATE users SET role = 'staff' WHERE email = 'bench@example.cm'")
        .execute(pool)
        .await
        .expect("staff");
    let phones = sessions(addr, "bench@example.cm", PHONES).await;
    let (phones, tokens) = (Arc::new(phones), Arc::new(tokens));
    println!("\n| scenario | requests | errors | req/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |");
    let (a, k, p) = (addr.to_string(), tokens.clone(), phones.clone());
    measure(
        "door: each of 20,000 tickets scanned once, 50 phones",
        TICKETS as usize,
        PHONES,
        move |i| {
            let (c, a, k) = (p[i % PHONES].clone(), a.clone(), k.clone());
            async move { scan(&c, &a, &k[i]).await }
        },
    )
    .await
    .print();
    let checked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM etickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
         WHERE e.slug = 'bench-door' AND t.status = 'CHECKED_IN'",
    )
    .fetch_one(pool)
    .await
    .expect("count");
    let counted: i64 = sqlx::query_scalar(
        "SELECT sum(c.checked_in)::bigint FROM event_door_counts c JOIN events e ON e.id = c.event_id
         WHERE e.slug = 'bench-door'",
    )
    .fetch_one(pool)
    .await
    .expect("counters");
    println!("checked in: {checked} of {TICKETS}; the door's counter says {counted}");
    door_offline(pool, addr, &phones[0], &phones[1]).await;
}

/// The offline half of the door bench (see `door`).
async fn door_offline(pool: &PgPool, addr: &str, one: &reqwest::Client, two: &reqwest::Client) {
    const TICKETS: i64 = 20_000;
    const QUEUED: usize = 5_000;
    door_event(pool, "bench-offline", 2001, TICKETS).await;
    let (d1, d2) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let download = |c: &reqwest::Client, device: &str, name: &str| {
        let request = c
            .post(format!("{addr}/fn/door_list"))
            .header("origin", addr)
            .form(&[
                ("event", "bench-offline"),
                ("device", device),
                ("name", name),
            ]);
        async move {
            let list: serde_json::Value = request
                .send()
                .await
                .expect("list")
                .json()
                .await
                .expect("list json");
            list
        }
    };
    let started = Instant::now();
    let list = download(one, &d1, "Bench A").await;
    let took = started.elapsed().as_secs_f64();
    let tickets = list["tickets"].as_array().map(Vec::len).unwrap_or(0);
    println!("\ndoor offline: the check-in list of {tickets} tickets downloaded in {took:.2} s");
    download(two, &d2, "Bench B").await;
    let ids: Vec<String> = list["tickets"]
        .as_array()
        .map(|t| {
            t.iter()
                .take(QUEUED)
                .filter_map(|t| t["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let queue = |at: &str| -> Vec<serde_json::Value> {
        ids.iter()
            .map(|t| serde_json::json!({ "id": uuid::Uuid::new_v4().to_string(), "ticket": t, "at": at, "gate": "Bench" }))
            .collect()
    };
    let sync = |c: &reqwest::Client, device: &str, scans: &Vec<serde_json::Value>| {
        let body = serde_json::json!({ "request": { "device": device, "event": "bench-offline", "since": 0, "scans": scans } });
        let request = c
            .post(format!("{addr}/fn/door_sync"))
            .header("origin", addr)
            .json(&body);
        async move {
            let started = Instant::now();
            let answer: serde_json::Value = request
                .send()
                .await
                .expect("sync")
                .json()
                .await
                .expect("sync json");
            let results = answer["results"].as_array().cloned().unwrap_or_default();
            let count = |o: &str| results.iter().filter(|r| r["outcome"] == o).count();
            (
                started.elapsed().as_secs_f64(),
                count("CHECKED_IN"),
                count("CONFLICT"),
            )
        }
    };
    let first = queue("2026-12-07T19:00:00Z");
    let second = queue("2026-12-07T19:01:00Z");
    let (t, ok, conflicts) = sync(one, &d1, &first).await;
    println!("door offline: phone A syncs {QUEUED} queued scans in {t:.2} s ({ok} checked in, {conflicts} conflicts)");
    let (t, ok, conflicts) = sync(two, &d2, &second).await;
    println!("door offline: phone B syncs {QUEUED} scans of the same tickets in {t:.2} s ({ok} checked in, {conflicts} conflicts)");
    let (t, ok, conflicts) = sync(one, &d1, &first).await;
    println!("door offline: phone A sends the same {QUEUED} scans again in {t:.2} s ({ok} checked in, {conflicts} conflicts)");
    let counted: i64 = sqlx::query_scalar(
        "SELECT sum(c.checked_in)::bigint FROM event_door_counts c JOIN events e ON e.id = c.event_id
         WHERE e.slug = 'bench-offline'",
    )
    .fetch_one(pool)
    .await
    .expect("counters");
    println!("door offline: the counter says {counted} checked in of {TICKETS}");
    // Tickets still unused, for the browser half (`end2end/bench`): the phone's own answers.
    if let Ok(path) = std::env::var("DOOR_TOKENS_FILE") {
        let unused: Vec<String> = sqlx::query_scalar(
            "SELECT t.token FROM etickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
             WHERE e.slug = 'bench-offline' AND t.status = 'VALID' LIMIT 1000",
        )
        .fetch_all(pool)
        .await
        .expect("unused tickets");
        std::fs::write(&path, unused.join("\n")).expect("tokens file");
    }
}

/// An MTN statement of 10,000 lines against 10,000 pending MTN tickets: the upload and
/// matching (one request, as the admin's form sends it), the same file again (nothing new),
/// then the bulk approval of every sure match, timed until the last ticket is approved.
async fn statements(pool: &PgPool, addr: &str) {
    sqlx::query(
        "WITH u AS (SELECT id, family_id FROM users WHERE email = 'bench@example.cm')
         INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days,
             amount, currency, payment_method, phone_number, transaction_id, created_at)
         SELECT gen_random_uuid(), 'TKT-2001-' || lpad(n::text, 5, '0'), u.family_id, u.id,
                'FAMILY_MANAGER', 30, 15000, 'XAF', 'MTN_MOMO', '+237677' || lpad(n::text, 6, '0'),
                'STMT' || n, now() - interval '1 hour'
         FROM generate_series(1, 10000) n, u",
    )
    .execute(pool)
    .await
    .expect("statement tickets");
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S");
    let mut csv = String::from(
        "Id,External Transaction Id,Date,Status,Type,From,From Name,To,Amount,Currency\n",
    );
    for n in 1..=10_000 {
        csv.push_str(&format!(
            "STMT{n},,{date},SUCCESSFUL,PAYMENT,237677{n:06},PAYER {n},237650000000,15000,XAF\n"
        ));
    }
    let admin = sessions(addr, "benchadmin@example.cm", 1).await.remove(0);
    let upload = |csv: String| {
        let admin = admin.clone();
        async move {
            let form = Form::new()
                .text("operator", "MTN_MOMO")
                .text("transaction_id", "Id")
                .text("amount", "Amount")
                .text("phone", "From")
                .text("paid_at", "Date")
                .text("status_column", "Status")
                .text("status_ok", "SUCCESSFUL")
                .part(
                    "statement",
                    Part::bytes(csv.into_bytes()).file_name("bench.csv"),
                );
            let t = Instant::now();
            let res = admin
                .post(format!("{addr}/admin/statements"))
                .header("origin", addr)
                .multipart(form)
                .send()
                .await
                .expect("upload");
            assert_eq!(res.status().as_u16(), 303, "statement import");
            let location = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (t.elapsed(), location)
        }
    };
    let (first, location) = upload(csv.clone()).await;
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    let sure: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM statement_lines WHERE import_id = $1::uuid AND verdict = 'CONFIDENT'",
    )
    .bind(&import)
    .fetch_one(pool)
    .await
    .expect("sure matches");
    let (again, _) = upload(csv.clone()).await;
    let started = Instant::now();
    let res = admin
        .post(format!("{addr}/fn/approve_statement"))
        .header("origin", addr)
        .form(&[("import_id", import.as_str())])
        .send()
        .await
        .expect("approve all");
    assert!(res.status().as_u16() < 400, "approve all: {}", res.status());
    loop {
        let left: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM statement_lines WHERE import_id = $1::uuid AND state = 'OPEN'",
        )
        .bind(&import)
        .fetch_one(pool)
        .await
        .expect("left");
        if left == 0 || started.elapsed() > Duration::from_secs(600) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let approving = started.elapsed();
    let approved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM payment_tickets WHERE transaction_id LIKE 'STMT%' AND status = 'APPROVED'",
    )
    .fetch_one(pool)
    .await
    .expect("approved");
    println!(
        "\nstatement of 10,000 lines against 10,000 pending tickets: imported and matched in {:.2} s \
         ({sure} sure matches); the same file again in {:.2} s (nothing new); \
         {approved} sure matches approved in {:.1} s ({:.0} approvals/s)",
        first.as_secs_f64(),
        again.as_secs_f64(),
        approving.as_secs_f64(),
        approved as f64 / approving.as_secs_f64()
    );
}

/// A local stand-in for SumUp's `GET /v0.1/checkouts/{id}` answering after 20 ms, every
/// checkout paid.
async fn slow_sumup() -> String {
    use axum::{extract::Path, routing::get, Json, Router};
    let app = Router::new().route(
        "/v0.1/checkouts/{id}",
        get(|Path(id): Path<String>| async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Json(serde_json::json!({
                "id": id, "checkout_reference": id, "amount": 25.0, "currency": "GBP",
                "merchant_code": "MBENCH", "status": "PAID", "transaction_id": format!("txn-{id}"),
                "transactions": [{ "id": format!("txn-{id}"), "status": "SUCCESSFUL", "amount": 25.0, "currency": "GBP" }]
            }))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// One poll cycle over 10,000 orders waiting for verification, with the per-cycle cap lifted
/// (`tessera payments poll --all`), against a SumUp stand-in answering in 20 ms: each check a
/// provider call, then the settle path (order paid, e-ticket and its PDF, invoice, e-mail).
async fn poller(pool: &PgPool, database_url: &str) {
    const ORDERS: i32 = 10_000;
    let key = [7u8; 32];
    let sealer = tessera::platform::sealed::Sealer::new(&key);
    let base = slow_sumup().await;
    let seeded = Instant::now();
    sqlx::query(
        "INSERT INTO provider_accounts (id, provider, owner_id, merchant_code, access_token, refresh_token, expires_at)
         SELECT gen_random_uuid(), 'sumup', id, 'MBENCH', $1, $2, now() + interval '1 day'
         FROM users WHERE email = 'benchadmin@example.cm'",
    )
    .bind(sealer.seal("bench-access"))
    .bind(sealer.seal("bench-refresh"))
    .execute(pool)
    .await
    .expect("account");
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, sold, price, currency, max_per_order, organiser_id)
         SELECT gen_random_uuid(), 'bench-live', 'EVENT', 'Bench Live', 'Royal Square', now() + interval '10 days',
                now() + interval '10 days 4 hours', $1, $1, 2500, 'GBP', 10, id
         FROM users WHERE email = 'benchadmin@example.cm'",
    )
    .bind(ORDERS)
    .execute(pool)
    .await
    .expect("event");
    sqlx::query(
        "INSERT INTO orders (id, reference, event_id, buyer_name, buyer_email, buyer_phone, language, quantity,
                             unit_price, subtotal, total, currency, status)
         SELECT gen_random_uuid(), 'ORD-2001-' || lpad(n::text, 5, '0'), e.id, 'Buyer ' || n, 'buyer' || n || '@bench.test',
                '+447700900123', 'en', 1, 2500, 2500, 2500, 'GBP', 'PENDING_VERIFICATION'
         FROM generate_series(1, $1) n, events e WHERE e.slug = 'bench-live'",
    )
    .bind(ORDERS)
    .execute(pool)
    .await
    .expect("orders");
    sqlx::query(
        "INSERT INTO payments (id, reference, order_id, purpose, amount, currency, status, method, provider, provider_ref,
                               provider_account, description, payer_email, payer_name, payer_language, payer_org,
                               next_check_at, created_at)
         SELECT gen_random_uuid(), 'PAY-2001-' || lpad(substr(o.reference, 10), 6, '0'), o.id, 'ORDER', 2500, 'GBP',
                'PROCESSING', 'CARD', 'sumup', 'chk-' || o.reference, a.id, 'Order ' || o.reference,
                o.buyer_email, o.buyer_name, 'en', o.buyer_name, now() - interval '1 second', now() - interval '5 minutes'
         FROM orders o, provider_accounts a WHERE o.reference LIKE 'ORD-2001-%'",
    )
    .execute(pool)
    .await
    .expect("payments");
    println!(
        "\nseeded {ORDERS} orders waiting for SumUp in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let tessera = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("tessera")))
        .expect("the tessera binary beside the examples");
    let in_flight = std::env::var("POLL_CONCURRENCY").unwrap_or_else(|_| "64".into());
    let started = Instant::now();
    let out = std::process::Command::new(tessera)
        .args(["payments", "poll", "--all"])
        .env("DATABASE_URL", database_url)
        .env("SUMUP_CLIENT_ID", "bench")
        .env("SUMUP_CLIENT_SECRET", "bench")
        .env("SUMUP_API_BASE", &base)
        .env("TESSERA_ENCRYPTION_KEY", hex::encode(key))
        .env("POLL_CONCURRENCY", &in_flight)
        .env("TESSERA_DATA_DIR", std::env::temp_dir())
        .env("RUST_LOG", "error")
        .output()
        .expect("tessera payments poll");
    let secs = started.elapsed().as_secs_f64();
    let summary = String::from_utf8_lossy(&out.stdout);
    let settled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM orders WHERE reference LIKE 'ORD-2001-%' AND status = 'TICKETS_ISSUED'",
    )
    .fetch_one(pool)
    .await
    .expect("count");
    let tickets: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM etickets t JOIN orders o ON o.id = t.order_id WHERE o.reference LIKE 'ORD-2001-%'",
    )
    .fetch_one(pool)
    .await
    .expect("count");
    println!(
        "\npoll cycle, cap lifted, SumUp stand-in answering in 20 ms, {in_flight} checks in flight: {} in {secs:.1} s = {:.0} orders verified/s; {settled} orders paid, {tickets} e-tickets",
        summary.trim(),
        settled as f64 / secs,
    );
}

/// The webhook secret `./dev bench` gives the server.
const BENCH_WHSEC: &str = "whsec_bench_secret";

fn stripe_signature(payload: &str) -> String {
    use hmac::{Hmac, Mac};
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(BENCH_WHSEC.as_bytes()).expect("key");
    mac.update(format!("{t}.{payload}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn billing(pool: &PgPool, c: &reqwest::Client, addr: &str) {
    const EVENTS: usize = 2000;
    const DELIVERIES: usize = 3;
    // Open card top-ups of the bench family, as Stripe Checkout would have them.
    sqlx::query(
        "WITH u AS (SELECT id, family_id FROM users WHERE email = 'bench@example.cm')
         INSERT INTO payments (id, reference, family_id, user_id, purpose, amount, currency, status, method, provider,
                               provider_ref, description)
         SELECT gen_random_uuid(), 'PAY-2000-' || lpad(n::text, 6, '0'), u.family_id, u.id, 'TOPUP', 1000, 'XAF',
                'PROCESSING', 'CARD', 'stripe', 'cs_bench_' || n, 'Wallet top-up'
         FROM generate_series(1, $1) n, u",
    )
    .bind(EVENTS as i32)
    .execute(pool)
    .await
    .expect("seed payments");
    let mails_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'billing_paid'")
            .fetch_one(pool)
            .await
            .expect("count");
    println!("\n| operation | requests | errors | req/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |");
    let (c1, a1) = (c.clone(), addr.to_string());
    let mut report = measure(
        "Stripe webhook (2,000 events x 3 deliveries)",
        EVENTS * DELIVERIES,
        32,
        move |i| {
            let (c, a) = (c1.clone(), a1.clone());
            let n = i % EVENTS + 1;
            async move {
                let body = serde_json::json!({
                    "id": format!("evt_bench_{n}"), "type": "checkout.session.completed",
                    "data": { "object": { "id": format!("cs_bench_{n}"), "amount_total": 1000, "currency": "xaf", "payment_status": "paid" } }
                })
                .to_string();
                c.post(format!("{a}/api/payments/stripe/webhook"))
                    .header("stripe-signature", stripe_signature(&body))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        },
    )
    .await;
    report.print();
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .expect("count")
    };
    let completed =
        count("SELECT count(*) FROM payments WHERE provider = 'stripe' AND status = 'COMPLETED'")
            .await;
    // Scoped to the top-ups above: the ticket approvals before them invoice and mail too.
    let invoices = count(
        "SELECT count(*) FROM invoices i JOIN payments p ON p.id = i.payment_id
         WHERE p.reference LIKE 'PAY-2000-%'",
    )
    .await;
    let credits = count("SELECT count(*) FROM wallet_transactions WHERE kind = 'TOPUP'").await;
    let mails =
        count("SELECT count(*) FROM outbox WHERE kind = 'billing_paid'").await - mails_before;
    let balance = count("SELECT COALESCE(sum(balance), 0)::bigint FROM wallets").await;
    println!(
        "\nwebhooks: {:.1} deliveries/s, {:.1} distinct events/s; effects: {completed} completed, {invoices} invoices, {credits} wallet credits, {mails} e-mails for {EVENTS} events; wallet {balance} XAF",
        report.requests as f64 / report.elapsed.as_secs_f64(),
        EVENTS as f64 / report.elapsed.as_secs_f64(),
    );

    // The billing page of the signed-in manager (plans, 2,000 payments, invoices, wallet).
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    browser
        .post(format!("{addr}/fn/login"))
        .form(&[
            ("email", "bench@example.cm"),
            ("password", "bench password 1"),
        ])
        .send()
        .await
        .expect("login");
    let (b1, a1) = (browser.clone(), addr.to_string());
    measure("GET /billing (signed-in manager)", 1000, 16, move |_| {
        let (b, a) = (b1.clone(), a1.clone());
        async move {
            b.get(format!("{a}/billing"))
                .header("accept", "text/html")
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await
    .print();
}

/// One row of the production table: the figure before, this run's, and the goal.
struct Row {
    scenario: &'static str,
    before: &'static str,
    goal: &'static str,
    now: String,
}

fn summary(r: &mut Report) -> String {
    r.latencies.sort();
    let p99 = r
        .latencies
        .get(((r.latencies.len() as f64 * 0.99) as usize).min(r.latencies.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    format!(
        "{:.0} req/s, p99 {:.1} ms{}",
        r.requests as f64 / r.elapsed.as_secs_f64(),
        p99.as_secs_f64() * 1000.0,
        if r.errors > 0 {
            format!(", {} errors", r.errors)
        } else {
            String::new()
        }
    )
}

fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024 / 1024);
    format!("{cores} cores ({model}), {mem_gib} GiB")
}

/// Opens the payment of every pending ticket that has none, as submitting a ticket does
/// (references `PAY-{year}-…`, a year no real payment has).
async fn open_ticket_payments(pool: &PgPool, year: i32) {
    sqlx::query(
        "WITH t AS (
             SELECT t.id, t.reference, t.family_id, t.submitter_id, t.plan_code, t.duration_days, t.amount,
                    t.currency, t.payment_method, u.email, u.name, f.name AS family, gen_random_uuid() AS pid,
                    row_number() OVER (ORDER BY t.created_at, t.id) AS n
             FROM payment_tickets t JOIN users u ON u.id = t.submitter_id JOIN families f ON f.id = t.family_id
             WHERE t.status = 'PENDING' AND t.payment_id IS NULL),
         p AS (
             INSERT INTO payments (id, reference, family_id, user_id, purpose, plan_code, duration_days, amount,
                     currency, status, method, provider, description, payer_email, payer_name, payer_language, payer_org)
             SELECT pid, 'PAY-' || $1 || '-' || lpad(n::text, 6, '0'), family_id, submitter_id, 'SUBSCRIPTION',
                    plan_code, duration_days, amount, currency, 'PENDING', payment_method, 'manual',
                    'Family plan · 30 days · ' || reference, email, name, 'en', family
             FROM t)
         UPDATE payment_tickets pt SET payment_id = t.pid FROM t WHERE pt.id = t.id",
    )
    .bind(year.to_string())
    .execute(pool)
    .await
    .expect("ticket payments");
}

/// Approves `ids` through the REST API, 16 at a time, with `notes`; the figures and the
/// effects found in the database (tickets approved, payments settled).
async fn approvals(
    pool: &PgPool,
    c: &reqwest::Client,
    addr: &str,
    admin_token: &str,
    ids: Vec<String>,
    notes: &'static str,
    profile_name: &str,
) -> String {
    let ids = Arc::new(ids);
    let (cc, a, t) = (c.clone(), addr.to_string(), admin_token.to_string());
    let n = ids.len();
    let profile = Profile::start(profile_name);
    let mut r = measure("approval", n, 16, move |i| {
        let (c, a, t, ids) = (cc.clone(), a.clone(), t.clone(), ids.clone());
        async move {
            c.post(format!(
                "{a}/api/admin/payment-tickets/tickets/{}/approve",
                ids[i]
            ))
            .bearer_auth(t)
            .json(&serde_json::json!({ "adminNotes": notes }))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    profile.stop();
    let effects: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM payment_tickets WHERE admin_notes = $1 AND status = 'APPROVED'),
                (SELECT count(*) FROM payments p JOIN payment_tickets t ON t.payment_id = p.id WHERE t.admin_notes = $1 AND p.status = 'COMPLETED')",
    )
    .bind(notes)
    .fetch_one(pool)
    .await
    .unwrap_or((-1, -1));
    format!(
        "{} ({} approved, {} payments settled)",
        summary(&mut r),
        effects.0,
        effects.1
    )
}

/// The five scenarios of production readiness, printed as one table with the commit and the
/// machine: the e-ticket page, the admin's pending list, approvals, orders for one event from
/// 500 buyers at once, and the server's peak memory under 20 concurrent 5 MB uploads.
async fn production(pool: &PgPool, addr: &str, pid: u32, family_token: &str, admin_token: &str) {
    let mut rows = Vec::new();
    let c = reqwest::Client::new();

    // 0. Peak memory while 20 uploads of 5 MB are in flight at once, first thing.
    rows.push(Row {
        scenario: "20 concurrent 5 MB proof uploads, server peak RSS",
        before: "311 MiB",
        goal: "≤ 100 MiB",
        now: upload_peak(&c, addr, pid, family_token).await,
    });

    // 1. The e-ticket page: 20,000 issued tickets, 50 connections, each page once.
    let tokens = door_event(pool, "bench-guests", 2000, 20_000).await;
    keep_qr_masks(pool, &tokens).await;
    let tokens = Arc::new(tokens);
    let (a, k) = (addr.to_string(), tokens.clone());
    let cc = c.clone();
    let profile = Profile::start("e-ticket page");
    let mut r = measure("e-ticket page", 20_000, 50, move |i| {
        let (c, a, k) = (cc.clone(), a.clone(), k.clone());
        async move {
            c.get(format!("{a}/t/{}", k[i]))
                .header("accept", "text/html")
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    profile.stop();
    rows.push(Row {
        scenario: "`/t/{token}`, 50 connections, 20,000 issued tickets",
        before: "663 req/s, p99 50 ms",
        goal: "≥ 10,000 req/s, p99 ≤ 20 ms",
        now: summary(&mut r),
    });

    // 2. The admin's pending tab: 10,000 pending tickets from 1,000 families (ten each), each
    // with its payment opened as submission opens it, the first page of 50.
    sqlx::query(
        "WITH f AS (
             INSERT INTO families (id, name)
             SELECT gen_random_uuid(), 'Bench family ' || k FROM generate_series(0, 999) k
             RETURNING id, name),
         u AS (
             INSERT INTO users (id, name, email, phone, family_id)
             SELECT gen_random_uuid(), f.name, lower(replace(f.name, ' ', '-')) || '@example.cm', '+237695000000', f.id
             FROM f
             RETURNING id, family_id, split_part(name, ' ', 3)::int AS k)
         INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days, amount, currency,
             payment_method, phone_number, transaction_id, created_at)
         SELECT gen_random_uuid(), 'TKT-2000-' || lpad(n::text, 5, '0'), u.family_id, u.id, 'FAMILY_MANAGER', 30, 15000, 'XAF',
                CASE WHEN n % 2 = 0 THEN 'MTN_MOMO' ELSE 'ORANGE_MONEY' END, '+237695000000', 'SEED' || n,
                now() - (n || ' minutes')::interval
         FROM generate_series(1, 10000) n JOIN u ON u.k = n % 1000",
    )
    .execute(pool)
    .await
    .expect("seed");
    sqlx::query(
        "UPDATE families f SET manager_id = u.id FROM users u
         WHERE u.family_id = f.id AND f.name LIKE 'Bench family %'",
    )
    .execute(pool)
    .await
    .expect("managers");
    open_ticket_payments(pool, 2000).await;
    planner_statistics(pool).await;
    let admins = Arc::new(sessions(addr, "benchadmin@example.cm", 16).await);
    let a = addr.to_string();
    let profile = Profile::start("admin pending tab");
    let mut r = measure("admin pending tab", 2000, 16, move |i| {
        let (c, a) = (admins[i % 16].clone(), a.clone());
        async move {
            c.get(format!("{a}/admin/tickets?tab=pending"))
                .header("accept", "text/html")
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    profile.stop();
    rows.push(Row {
        scenario: "`/admin/tickets` pending tab, page of 50 out of 10,000 tickets, 16 admins",
        before: "68 req/s, p99 345 ms",
        goal: "≥ 1,000 req/s, p99 ≤ 50 ms",
        now: summary(&mut r),
    });

    // 3. Approvals: 1,000 of them (the oldest, from 1,000 families), 16 at a time, each one
    // transaction with all its effects.
    let pending: Vec<String> = sqlx::query_scalar(
        "SELECT id::text FROM payment_tickets WHERE status = 'PENDING' ORDER BY created_at LIMIT 1000",
    )
    .fetch_all(pool)
    .await
    .expect("pending ids");
    rows.push(Row {
        scenario:
            "approvals, 16 at a time, each one transaction with all its effects (1,000 families)",
        before: "160/s",
        goal: "≥ 1,000/s",
        now: approvals(pool, &c, addr, admin_token, pending, "bench", "approval").await,
    });
    // The same for one family (the earlier runs' scenario: all from one family), whose
    // approvals all extend one subscription.
    let one_family: Vec<String> = sqlx::query_scalar(
        "WITH u AS (SELECT id, family_id FROM users WHERE email = 'bench@example.cm')
         INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days, amount, currency,
             payment_method, phone_number, transaction_id)
         SELECT gen_random_uuid(), 'TKT-2001-' || lpad(n::text, 5, '0'), u.family_id, u.id, 'FAMILY_MANAGER', 30, 15000, 'XAF',
                'MTN_MOMO', '+237695000000', 'ONE' || n
         FROM generate_series(1, 300) n, u
         RETURNING id::text",
    )
    .fetch_all(pool)
    .await
    .expect("one family's tickets");
    open_ticket_payments(pool, 2001).await;
    rows.push(Row {
        scenario: "approvals as above, 300 from one family",
        before: "160/s",
        goal: "–",
        now: approvals(
            pool,
            &c,
            addr,
            admin_token,
            one_family,
            "bench-one",
            "approval-one-family",
        )
        .await,
    });

    // 4. Orders: 500 buyers at once for one event of 5,000 places, 6,000 attempts of one ticket.
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, sold, price, currency)
         VALUES (gen_random_uuid(), 'bench-rush', 'EVENT', 'Bench rush', 'Stade', now() + interval '5 days',
                 now() + interval '5 days 6 hours', 5000, 0, 5000, 'XAF')",
    )
    .execute(pool)
    .await
    .expect("rush event");
    let buyer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(500)
        .build()
        .expect("client");
    let sold_out = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (a, so) = (addr.to_string(), sold_out.clone());
    let profile = Profile::start("orders");
    let mut r = measure("orders", 6000, 500, move |i| {
        let (c, a, so) = (buyer.clone(), a.clone(), so.clone());
        async move {
            let email = format!("buyer{i}@example.cm");
            let res = c
                .post(format!("{a}/fn/place_order"))
                .header("origin", &a)
                .form(&[
                    ("slug", "bench-rush"),
                    ("quantity", "1"),
                    ("name", "Rush Buyer"),
                    ("email", email.as_str()),
                    ("phone", "677000000"),
                ])
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_redirection() || r.status().is_success() => true,
                Ok(r) if r.status().as_u16() == 409 => {
                    so.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    true
                }
                _ => false,
            }
        }
    })
    .await;
    profile.stop();
    let (placed, sold): (i64, i32) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders o WHERE o.event_id = e.id), e.sold FROM events e WHERE e.slug = 'bench-rush'",
    )
    .fetch_one(pool)
    .await
    .unwrap_or((-1, -1));
    rows.push(Row {
        scenario: "orders for one event of 5,000 places, 500 buyers at once, 6,000 attempts",
        before: "–",
        goal: "≥ 600 orders/s, no overselling",
        now: format!(
            "{} ({placed} orders placed, {sold} places sold, {} refused as sold out{})",
            summary(&mut r),
            sold_out.load(std::sync::atomic::Ordering::Relaxed),
            if placed > 5000 || sold > 5000 {
                ", OVERSOLD"
            } else {
                ", none oversold"
            }
        ),
    });

    // 5. The uploads again, on a server that has served all of the above.
    rows.push(Row {
        scenario: "the same, after all the scenarios above",
        before: "–",
        goal: "≤ 100 MiB",
        now: upload_peak(&c, addr, pid, family_token).await,
    });

    println!(
        "\ncommit {}, {}; server and load generator on the same machine; {} database connections, {} prepared statements kept per connection\n",
        std::env::var("TESSERA_BENCH_COMMIT").unwrap_or_else(|_| "unknown".into()),
        machine(),
        // The server's pool: `DATABASE_POOL_SIZE=8 ./dev bench production` measures another.
        std::env::var("DATABASE_POOL_SIZE").unwrap_or_else(|_| format!(
            "{} (the default here)",
            tessera::platform::config::default_pool_size()
        )),
        // `DATABASE_STATEMENT_CACHE=0 ./dev bench production` measures without them.
        std::env::var("DATABASE_STATEMENT_CACHE").unwrap_or_else(|_| "100 (the default)".into())
    );
    println!("| scenario | before (issue 18) | this run | goal |\n| --- | --- | --- | --- |");
    for row in rows {
        println!(
            "| {} | {} | {} | {} |",
            row.scenario, row.before, row.now, row.goal
        );
    }
}

/// The server's peak memory (VmHWM, reset first) while 20 proofs of about 5 MB are uploaded at
/// once, with its memory before.
async fn upload_peak(c: &reqwest::Client, addr: &str, pid: u32, family_token: &str) -> String {
    let big = Arc::new(png_of(5 * 1024 * 1024 - 64 * 1024));
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let before = current_rss_kib(pid);
    let (cc, a, t, b) = (
        c.clone(),
        addr.to_string(),
        family_token.to_string(),
        big.clone(),
    );
    let mut r = measure("uploads", 20, 20, move |i| {
        let (c, a, t, b) = (cc.clone(), a.clone(), t.clone(), b.clone());
        async move {
            c.post(format!("{a}/api/payment-tickets/submit"))
                .bearer_auth(t)
                .multipart(form(&format!("BIG{i:04}-{}", uuid_ish()), (*b).clone()))
                .send()
                .await
                .is_ok_and(|r| r.status().as_u16() == 201)
        }
    })
    .await;
    format!(
        "{} MiB (from {} MiB before; {})",
        peak_rss_kib(pid) / 1024,
        before / 1024,
        summary(&mut r)
    )
}

/// Planner statistics for the rows just seeded. A database in use has them: autovacuum
/// analyses a table within a minute or so of a bulk load. The bench measures at once, and
/// without them PostgreSQL plans the queue's page for the 4 pending tickets it believes there
/// are and reads all 10,000 (run 13: 5.9 ms for a page that takes 0.09 ms once analysed).
async fn planner_statistics(pool: &PgPool) {
    sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
}

/// A different suffix on each call, so repeated uploads use new transaction ids.
fn uuid_ish() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// With `TESSERA_BENCH_PERF=<dir>`, `perf record` samples the whole machine (the server,
/// PostgreSQL, this load generator and the kernel) while one scenario runs, into
/// `<dir>/<scenario>.data`; `perf report -i <file> --sort comm` then shows where the time went.
struct Profile(Option<std::process::Child>);

impl Profile {
    fn start(name: &str) -> Self {
        let Ok(dir) = std::env::var("TESSERA_BENCH_PERF") else {
            return Self(None);
        };
        let out = format!("{dir}/{}.data", name.replace(' ', "-"));
        let child = std::process::Command::new("perf")
            .args(["record", "-a", "-F", "499", "-o", &out, "--quiet"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        // perf needs a moment before it samples.
        std::thread::sleep(Duration::from_millis(300));
        Self(child)
    }

    fn stop(self) {
        if let Some(mut child) = self.0 {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}
