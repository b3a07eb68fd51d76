//! The `ruling` binary: the command line ([`cli`]: arguments, files, exit codes) over the
//! library, which does the work.

mod cli;

/// The exit code when the reader of standard output went away (`ruling eval … | head`), as a
/// shell reports a program ended by SIGPIPE (128 + 13).
const BROKEN_PIPE: i32 = 141;

fn main() {
    // `print!` panics when standard output is a closed pipe. That is no error of the input:
    // end quietly, as other command-line tools do, instead of printing a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            default_hook(info);
        }
    }));
    let code = match std::panic::catch_unwind(cli::run) {
        Ok(code) => code,
        Err(payload) if is_broken_pipe(payload.as_ref()) => BROKEN_PIPE,
        Err(payload) => std::panic::resume_unwind(payload),
    };
    std::process::exit(code);
}

fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    message.contains("Broken pipe") || message.contains("os error 32")
}
