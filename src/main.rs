//! The `tessera` binary: serves the app, or runs an admin command.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tessera::startup::cli::main().await
}
