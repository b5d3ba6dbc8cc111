//! The `pscf-lint` binary: parse arguments, run, exit with the code.

mod cli;

fn main() {
    let args = cli::with_default_command(std::env::args_os().collect());
    let cli = match cli::parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { cli::EXIT_USAGE } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    std::process::exit(cli::run(cli));
}
