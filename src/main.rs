//! The `integrate` binary: parse flags, run the command, render any error once.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use integrate::cli::{Cli, Command};
use integrate::commands::{self, App};
use integrate::error;
use integrate::output::Reporter;
use integrate::prompt::TerminalPrompter;
use integrate::session::{self, Access};
use integrate::signals;

fn main() -> ExitCode {
    let cli = Cli::parse();
    signals::install();
    let reporter = Reporter::new(cli.quiet, cli.color);
    let app = App::new(cli.dir.clone(), reporter);
    let result = session::open(&app.dir, access(&cli.command), &reporter).and_then(|session| {
        if matches!(cli.command, Command::Recover) {
            if session.recovered.is_none() {
                reporter.note("nothing to recover: no interrupted change is pending here");
            }
            return Ok(());
        }
        run(&app, cli.command)
    });
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            reporter.error(&error.to_string());
            ExitCode::from(error.exit_code())
        }
    };
    if signals::held_interrupt() && code == ExitCode::SUCCESS {
        reporter.note(
            "interrupted after the change was safely on disk: it was finished, as reported above",
        );
    }
    code
}

/// How `command` uses the repo: commands that may write hold the lock for their whole run.
fn access(command: &Command) -> Access {
    match command {
        Command::Init(_) => Access::Init,
        Command::Completions { .. } => Access::None,
        Command::Recover => Access::Write,
        Command::Kits { .. }
        | Command::Catalog { .. }
        | Command::List { .. }
        | Command::Doctor
        | Command::Scan { .. }
        | Command::Docs { check: true } => Access::Read,
        _ => Access::Write,
    }
}

fn run(app: &App, command: Command) -> error::Result<()> {
    match command {
        Command::Init(args) => commands::init::run(app, &args),
        Command::New(args) => {
            let mut prompter = TerminalPrompter::new();
            commands::new::run(app, &args, Some(&mut prompter))
        }
        Command::List { json } => commands::list::run(app, json),
        Command::Remove(args) => commands::remove::run(app, &args),
        Command::Adopt(args) => commands::adopt::run(app, &args),
        Command::Doctor => commands::doctor::run(app),
        Command::Docs { check } => commands::docs::run(app, check),
        Command::Scan { json } => commands::scan::run(app, json),
        Command::Kits { .. } => commands::kits::run(app),
        Command::Catalog { json } => commands::catalog::run(app, json),
        Command::Recover => Ok(()),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "integrate",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}
