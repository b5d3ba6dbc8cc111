//! Whether to colour a stream: one decision for every output, so that the
//! report, policy errors and warnings agree.
//!
//! Precedence: `--color always|never`, then `NO_COLOR` (any non-empty
//! value: no colour), then `CLICOLOR_FORCE` (non-empty and not `0`:
//! colour even into a pipe), then whether the stream is a terminal.

/// The `--color` choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The environment variables that decide colour under `auto`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColorEnv {
    pub no_color: Option<String>,
    pub clicolor_force: Option<String>,
}

impl ColorEnv {
    /// This process's environment.
    pub fn current() -> Self {
        let var = |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        ColorEnv {
            no_color: var("NO_COLOR"),
            clicolor_force: var("CLICOLOR_FORCE"),
        }
    }
}

impl ColorChoice {
    /// Whether a stream gets colour; `terminal` says whether it is one.
    pub fn enabled(self, env: &ColorEnv, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
                if set(&env.no_color) {
                    false
                } else if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0") {
                    true
                } else {
                    terminal
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no_color: Option<&str>, force: Option<&str>) -> ColorEnv {
        ColorEnv {
            no_color: no_color.map(str::to_owned),
            clicolor_force: force.map(str::to_owned),
        }
    }

    #[test]
    fn the_flag_wins_then_no_color_then_clicolor_force_then_the_terminal() {
        let auto = ColorChoice::Auto;
        assert!(auto.enabled(&env(None, None), true));
        assert!(!auto.enabled(&env(None, None), false));
        assert!(!auto.enabled(&env(Some("1"), None), true));
        // An empty NO_COLOR is unset (no-color.org).
        assert!(auto.enabled(&env(Some(""), None), true));
        assert!(auto.enabled(&env(None, Some("1")), false));
        assert!(!auto.enabled(&env(None, Some("0")), false));
        assert!(!auto.enabled(&env(Some("1"), Some("1")), true));
        assert!(ColorChoice::Always.enabled(&env(Some("1"), None), false));
        assert!(!ColorChoice::Never.enabled(&env(None, Some("1")), true));
    }
}
