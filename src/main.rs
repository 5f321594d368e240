//! The `tessera` binary: serves the app, or runs an admin command.

fn main() -> std::process::ExitCode {
    return_large_buffers();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(tessera::startup::cli::main()),
        Err(e) => {
            eprintln!("tessera: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// glibc keeps a freed buffer of a few megabytes for reuse once it has freed one such (its
/// mmap threshold rises to it), in each thread's own arena: a proof decoded on one blocking
/// thread and the next on another then each leave their megabytes resident. With a fixed
/// threshold, buffers of 256 KiB and more are mapped and unmapped, so the server's memory
/// follows the proofs it is checking, not the most it ever checked. Set before any thread.
fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
