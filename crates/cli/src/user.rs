//! `gongkai user add|list|disable|reset-password|role` — staff accounts of the back office.
//! The command line acts as the deployment's operator ([`Actor::system`]): the only one who
//! gives the three administrator roles (sysadmin, secadmin, auditor).

use std::io::BufRead;

use anyhow::{Context, Result};
use clap::Subcommand;
use gongkai_app::{CreatedUser, UserInput};
use gongkai_store::{Actor, UserInfo};

use crate::{DataArg, open_store};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Create an account. The password is read from the first line of stdin with
    /// --password-stdin, else generated and printed once.
    Add {
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        login: String,
        /// office, handler, head, supervisor, sysadmin, secadmin or auditor ('staff' and
        /// 'admin' are deprecated aliases of office and sysadmin).
        #[arg(long)]
        role: String,
        /// A handler's department (its id or name).
        #[arg(long)]
        department: Option<String>,
        /// An agency (slug) a supervisor reads; repeat for several.
        #[arg(long)]
        supervises: Vec<String>,
        /// The name shown and recorded on events (default: the login).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArg,
    },
    /// List accounts: id, login, name, role, agency, TOTP, status.
    List {
        #[command(flatten)]
        data: DataArg,
    },
    /// Disable an account; its sessions end at once.
    Disable {
        login: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Give an account a new password (stdin with --password-stdin, else generated and
    /// printed once); lifts a lock and ends its sessions.
    ResetPassword {
        login: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArg,
    },
}

fn stdin_password(wanted: bool) -> Result<Option<String>> {
    if !wanted {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

fn app(store: std::sync::Arc<dyn gongkai_store::Store>) -> gongkai_app::App {
    gongkai_app::App::new(
        store,
        std::sync::Arc::new(gongkai_domain::clock::ChinaClock),
    )
}

fn report(done: &CreatedUser, what: &str) {
    if let Some(note) = done.deprecation {
        eprintln!("warning: {note}");
    }
    eprintln!(
        "{what} {} ({}{})",
        done.user.login,
        done.user.role.code(),
        done.user
            .agency
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default()
    );
    if let Some(password) = &done.generated_password {
        println!("{password}");
        eprintln!("the password above is shown once");
    }
}

fn status(u: &UserInfo) -> &'static str {
    if u.disabled {
        "disabled"
    } else if u.locked_until.is_some_and(|t| t > chrono::Utc::now()) {
        "locked"
    } else {
        "active"
    }
}

pub(crate) async fn run(command: UserCommand) -> Result<()> {
    let operator = Actor::system();
    match command {
        UserCommand::Add {
            agency,
            login,
            role,
            department,
            supervises,
            name,
            password_stdin,
            data,
        } => {
            let input = UserInput {
                login,
                name,
                role,
                agency,
                department,
                supervises,
                password: stdin_password(password_stdin)?,
            };
            let store = open_store(&data.path()).await?;
            let done = app(store).create_user(&input, &operator).await?;
            report(&done, "created");
        }
        UserCommand::List { data } => {
            let store = open_store(&data.path()).await?;
            println!("id\tlogin\tname\trole\tagency\ttotp\tstatus");
            for u in app(store).users(&operator).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.login,
                    u.name,
                    u.role.code(),
                    u.agency.as_deref().unwrap_or("-"),
                    if u.totp { "yes" } else { "no" },
                    status(&u)
                );
            }
        }
        UserCommand::Disable { login, data } => {
            let store = open_store(&data.path()).await?;
            let u = app(store).disable_user(&login, &operator).await?;
            println!("disabled {}", u.login);
        }
        UserCommand::ResetPassword {
            login,
            password_stdin,
            data,
        } => {
            let password = stdin_password(password_stdin)?;
            let store = open_store(&data.path()).await?;
            let done = app(store)
                .reset_password(&login, password.as_deref(), &operator)
                .await?;
            report(&done, "new password for");
        }
    }
    Ok(())
}
