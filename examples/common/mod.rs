//! Helpers shared by the example programs: output, flags, the thread pool.

use std::process::ExitCode;

/// Prints a line to standard output; a closed pipe (`| head`) ends output, not the program.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

/// Cores available to this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Parses a whole number of at least `min` for `flag`.
pub fn number<T>(flag: &str, text: &str, min: T) -> Result<T, String>
where
    T: std::str::FromStr<Err = std::num::ParseIntError> + PartialOrd + std::fmt::Display,
{
    match text.parse::<T>() {
        Ok(n) if n >= min => Ok(n),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
            Err(format!("{flag} `{text}` is too large"))
        }
        _ => Err(format!(
            "{flag} needs a whole number of at least {min}, found `{text}`"
        )),
    }
}

/// Runs `job` on a rayon pool of `requested` threads (at most the core count,
/// so the pool never oversubscribes) and turns its outcome into an exit code.
pub fn run_on_threads(
    requested: usize,
    job: impl FnOnce(usize) -> nn::Result<()> + Send,
) -> ExitCode {
    let cores = cores();
    let threads = if requested > cores {
        eprintln!("note: --threads {requested} is more than the {cores} cores here; using {cores}");
        cores
    } else {
        requested
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start {threads} threads: {e}");
            return ExitCode::FAILURE;
        }
    };
    match pool.install(|| job(threads)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
