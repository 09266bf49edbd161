//! The `onrecord` binary: thin glue over the library crates. Stdout carries
//! data only; messages, errors and progress go to stderr.

mod cli;
mod commands;
mod output;
mod progress;
mod report;
mod resume;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Extract(args) => commands::extract::run(&args),
        cli::Command::Entities(args) => commands::entities::run(&args),
        cli::Command::Index(args) => commands::index::run(&args),
        cli::Command::Search(args) => commands::search::run(&args),
        cli::Command::Serve(args) => commands::serve::run(&args),
        cli::Command::Export(args) => commands::export::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`onrecord extract | head`) is not an error.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            report::fatal(&err);
            ExitCode::from(2)
        }
    }
}
