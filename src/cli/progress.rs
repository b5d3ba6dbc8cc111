//! The progress bar: on stderr, only when stderr is a terminal and the
//! user did not ask for quiet, and only once a run has lasted long enough
//! to need one — short runs never flash a bar. It is cleared before the
//! report is written, so no output, machine or human, ever contains it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A run shorter than this shows no bar...
const DELAY: Duration = Duration::from_millis(700);

/// ...unless `PSCF_LINT_PROGRESS_DELAY_MS` sets another delay (at most a
/// minute; `0` shows it at once): tests need a bar on runs too fast for
/// the default.
fn delay() -> Duration {
    std::env::var("PSCF_LINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DELAY, |ms| Duration::from_millis(ms.min(60_000)))
}

/// Whether a run shows a bar at all.
pub fn wanted(stderr_is_terminal: bool, quiet: bool) -> bool {
    stderr_is_terminal && !quiet
}

pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    delay: Duration,
    shown: AtomicBool,
    /// The style in force: with a total (a bar) or without (a spinner).
    counted: Mutex<Option<bool>>,
}

impl Bar {
    pub fn new() -> Self {
        Bar {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            started: Instant::now(),
            delay: delay(),
            shown: AtomicBool::new(false),
            counted: Mutex::new(None),
        }
    }

    /// Shows the bar once the run has lasted its delay.
    fn reveal_when_due(&self) {
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= self.delay {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar from the terminal.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(counted: bool) -> ProgressStyle {
    let template = if counted {
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})"
    } else {
        "{spinner} {msg}: {pos} ({elapsed})"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl pscf_lint::progress::Progress for Bar {
    fn stage(&self, name: &'static str, total: Option<u64>) {
        let counted = total.is_some();
        if let Ok(mut current) = self.counted.lock()
            && *current != Some(counted)
        {
            self.bar.set_style(style(counted));
            *current = Some(counted);
        }
        self.bar.set_message(name);
        self.bar.set_position(0);
        match total {
            Some(len) => self.bar.set_length(len),
            None => self.bar.unset_length(),
        }
        self.reveal_when_due();
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        self.reveal_when_due();
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn only_on_a_terminal_and_never_when_quiet() {
        assert!(wanted(true, false));
        assert!(!wanted(false, false));
        assert!(!wanted(true, true));
        assert!(!wanted(false, true));
    }
}
