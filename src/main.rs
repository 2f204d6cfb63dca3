//! The `partnersim` binary: parses the command line, calls the library, prints one line on error.
//!
//! Exit codes: 0 success; 1 a run failed; 2 bad input (scenario or sweep file, flag, output
//! directory); 130 interrupted by Ctrl-C or SIGTERM (finished chunks are kept: resume with
//! `--resume`). The code of an error is decided in one place, [`partnersim::commands::exit_code`].

mod cli;

use clap::Parser;
use partnersim::commands::{self, Context};
use partnersim::error;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// `partnersim man`: the top page to `out`, or every page into `dir`.
fn man(dir: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<commands::Outcome> {
    let pages = cli::man_pages(dir.is_some())?;
    match dir {
        None => {
            for (_, text) in &pages {
                out.write_all(text)?;
            }
        }
        Some(d) => {
            std::fs::create_dir_all(d)
                .map_err(|e| anyhow::anyhow!("creating {}: {e}", d.display()))?;
            for (name, text) in &pages {
                let p = d.join(name);
                partnersim::output::export::write_atomic(&p, text)
                    .map_err(|e| anyhow::anyhow!("writing {}: {e}", p.display()))?;
            }
            eprintln!("wrote {} manual pages to {}", pages.len(), d.display());
        }
    }
    Ok(commands::Outcome::Done)
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.budget() {
        Ok(b) => partnersim::job::budget::set(b),
        Err(e) => {
            eprintln!("partnersim: {e}");
            return ExitCode::from(2);
        }
    }
    partnersim::job::interrupt::install_handler();
    let ctx = Context {
        command_line: partnersim::job::manifest::command_line(),
    };
    let mut out = std::io::stdout().lock();
    let result = match cli.command.into_action() {
        cli::Action::Library(cmd) => commands::execute(&cmd, &ctx, &mut out),
        cli::Action::Completions(shell) => {
            cli::completions(shell, &mut out);
            Ok(commands::Outcome::Done)
        }
        cli::Action::Man(dir) => man(dir.as_deref(), &mut out),
    }
    .and_then(|o| out.flush().map(|()| o).map_err(Into::into));
    // an output folder's lock is released however the command ended
    partnersim::job::outdir::unlock_all();
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) if error::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partnersim: {}", error::render(&e));
            ExitCode::from(commands::exit_code(&e))
        }
    }
}
