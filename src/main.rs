//! The `ruling` binary: the command line ([`cli`]: arguments, files, exit codes) over the
//! library, which does the work.

mod cli;

fn main() {
    // Standard output goes through `cli::out`, which turns every failed write into a message
    // and an exit code. What remains is `eprint!`, which panics when standard error cannot be
    // written (`2>/dev/full`) or has gone (a closed pipe): there is then nowhere to say
    // anything, so end quietly with the command's code for a failed write (or 141 for a
    // reader that went away) instead of printing a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if write_failure(info.payload()).is_none() {
            default_hook(info);
        }
    }));
    let code = match std::panic::catch_unwind(cli::run) {
        Ok(code) => code,
        Err(payload) => match write_failure(payload.as_ref()) {
            Some(code) => code,
            None => std::panic::resume_unwind(payload),
        },
    };
    std::process::exit(code);
}

/// The exit code for a panic of `print!`/`eprint!` that could not write, or `None` for any
/// other panic (a bug, reported as such).
fn write_failure(payload: &(dyn std::any::Any + Send)) -> Option<i32> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    if message.contains("Broken pipe") || message.contains("os error 32") {
        Some(cli::out::BROKEN_PIPE)
    } else if message.starts_with("failed printing to") {
        Some(cli::out::write_failure())
    } else {
        None
    }
}
