//! The `integrate` binary: parse flags, run the command, render any error once.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use integrate::cli::{Cli, Command};
use integrate::commands::{self, App};
use integrate::error;
use integrate::output::Reporter;
use integrate::prompt::TerminalPrompter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let reporter = Reporter::new(cli.quiet, cli.color);
    let app = App::new(cli.dir.clone(), reporter);
    match run(&app, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            reporter.error(&error.to_string());
            ExitCode::from(error.exit_code())
        }
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
        Command::Doctor => commands::doctor::run(app),
        Command::Docs { check } => commands::docs::run(app, check),
        Command::Scan { json } => commands::scan::run(app, json),
        Command::Kits { .. } => commands::kits::run(app),
        Command::Catalog { json } => commands::catalog::run(app, json),
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
