//! Spawning the app for a test, a client that keeps cookies, and a tiny SMTP server.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use reqwest::{redirect::Policy, Client, Response};
use sqlx::PgPool;
use tessera::{
    platform::{config::Config, db::migrate},
    startup::{build_state, router},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::Mutex,
};

pub struct TestApp {
    pub addr: String,
    pub pool: PgPool,
    pub data_dir: PathBuf,
    pub signer: tessera::platform::signing::Signer,
    /// The app's own state, for calling its jobs directly.
    pub state: tessera::platform::state::AppState,
}

pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_with(pool, |_| {}).await
}

pub async fn spawn_with(pool: PgPool, adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_at(pool, |config, _| adjust(config)).await
}

/// Spawns the app; `adjust` also gets the address it will answer on (for what calls the app
/// itself, such as the built-in sandboxes).
pub async fn spawn_at(pool: PgPool, adjust: impl FnOnce(&mut Config, &str)) -> TestApp {
    // The app's own log, shown with a failing test's output.
    tessera::startup::init_tracing();
    migrate(&pool).await.expect("migrations apply");
    let dir = std::env::temp_dir().join(format!("tessera-test-{}", uuid::Uuid::new_v4()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("addr"));
    let mut config = Config::for_tests("unused", dir.clone());
    adjust(&mut config, &addr);
    let leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("tessera")
        .site_root("target/site")
        .build();
    let state = build_state(pool.clone(), config, leptos_options)
        .await
        .expect("state");
    let signer = state.signer.clone();
    let app_state = state.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    TestApp {
        addr,
        pool,
        data_dir: dir,
        signer,
        state: app_state,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        // A request that never ends fails the test instead of stalling the run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

impl TestApp {
    pub async fn post_fn(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(format!("{}/fn/{name}", self.addr))
            .header("origin", &self.addr)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, client: &Client, email: &str) -> Response {
        self.post_fn(
            client,
            "register",
            &[
                ("name", "Awa Ndiaye"),
                ("email", email),
                ("phone", "+237 677 12 34 56"),
                ("password", "correct horse battery"),
                ("family_name", "Famille Ndiaye"),
            ],
        )
        .await
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_fn(client, "login", &[("email", email), ("password", password)])
            .await
    }

    /// The signed-in user's e-mail, as `get_me` reports it.
    pub async fn me(&self, client: &Client) -> Option<String> {
        let body: serde_json::Value = self
            .post_fn(client, "me", &[])
            .await
            .json()
            .await
            .expect("json");
        body.get("email").and_then(|e| e.as_str()).map(String::from)
    }

    pub async fn page(&self, client: &Client, path: &str) -> (u16, String) {
        let res = client
            .get(format!("{}{path}", self.addr))
            // As a browser asks for a page.
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Chooses the language of a browser session, as the header's switch does.
    pub async fn set_lang(&self, client: &Client, lang: &str) {
        let res = client
            .post(format!("{}/lang", self.addr))
            .header("origin", &self.addr)
            .form(&[("lang", lang), ("next", "/")])
            .send()
            .await
            .expect("language switch");
        assert!(res.status().is_success() || res.status().is_redirection());
    }

    pub async fn make_admin(&self, email: &str) {
        sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1")
            .bind(email)
            .execute(&self.pool)
            .await
            .expect("update");
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("tessera_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

/// A minimal SMTP server that accepts every message and keeps it.
pub struct SmtpServer {
    pub port: u16,
    pub messages: Arc<Mutex<Vec<String>>>,
    handle: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    pub async fn start(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let handle = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = serve_smtp(stream, store).await;
                });
            }
        });
        Self {
            port,
            messages,
            handle,
        }
    }

    pub fn stop(self) -> u16 {
        self.handle.abort();
        self.port
    }

    pub async fn received(&self) -> Vec<String> {
        self.messages.lock().await.clone()
    }
}

async fn serve_smtp(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.local ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
            write
                .write_all(b"250-test.local\r\n250 8BITMIME\r\n")
                .await?;
        } else if cmd == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().await.push(data);
            write.write_all(b"250 queued\r\n").await?;
        } else if cmd == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 ok\r\n").await?;
        }
    }
}

pub fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("tessera-test-{}", uuid::Uuid::new_v4()))
}

/// The text of a PDF as poppler's pdftotext extracts it (poppler-utils: ./dev test installs it).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first page of a PDF rendered by poppler's pdftoppm, in grey.
pub fn pdf_page_image(pdf: &[u8], dpi: u32) -> image::GrayImage {
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let status = std::process::Command::new("pdftoppm")
        .args([
            "-png",
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&path)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    image::open(dir.join("page.png"))
        .expect("rendered page")
        .to_luma8()
}
