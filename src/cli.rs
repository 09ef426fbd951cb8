//! What each command does, so that the binary (and the benchmark, which
//! runs the same server) only parse and call [`run`].

use std::io::Write;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use std::time::Duration;

use crate::config::{Cli, Command, DatabaseArgs, ExportArgs, ImportArgs, ServeArgs, TokenCommand};
use crate::domain::access::{Caller, Role};
use crate::domain::scope::Scope;
use crate::domain::transfer::export::{ExportOptions, Exporter};
use crate::domain::transfer::{self, Dataset, Encoding, Format, ImportOptions};
use crate::domain::{self, db, token};
use crate::{app, demo, graphql};

/// Runs one command to its end.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Demo(args) => {
            let db = open(&args.database).await?;
            let report = demo::generate(&db, args.organizations, args.seed).await;
            db.close().await?;
            let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(?report, "demo province ready");
            Ok(())
        }
        Command::Import(args) => import(args).await,
        Command::Export(args) => export(args).await,
        Command::Report(args) => {
            let db = open(&args.database).await?;
            let bytes =
                crate::report::coverage_xlsx(&db, &Scope::EVERYTHING, args.region.as_deref()).await;
            db.close().await?;
            let bytes = bytes.map_err(user_error)?;
            std::fs::write(&args.out, bytes)
                .with_context(|| format!("cannot write {}", args.out.display()))?;
            Ok(())
        }
        Command::Serve(args) => {
            let db = open_with(&args.database, db::Checkpoints::InBackground).await?;
            db::checkpoint_in_background(&db);
            if args.demo {
                if demo::is_empty(&db).await? {
                    let report = demo::generate(&db, args.organizations, args.seed)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    tracing::info!(?report, "demo province ready");
                } else {
                    tracing::info!("the database has regions already; --demo leaves it as it is");
                }
            }
            let access = access(&db, &args).await?;
            let limits = &args.limits;
            let schema = graphql::build_with(
                db.clone(),
                &graphql::Limits {
                    depth: limits.max_depth,
                    complexity: limits.max_complexity,
                    directives: limits.max_directives,
                    aliases: limits.max_aliases,
                    tokens: limits.max_tokens,
                    errors: limits.max_errors.max(1),
                    introspection: !limits.no_introspection,
                    suggestions: !limits.no_suggestions,
                    ..graphql::Limits::default()
                },
            );
            let options = app::HttpOptions {
                body_bytes: limits.max_body_bytes,
                upload_bytes: limits.max_upload_bytes,
                batch: limits.max_batch.max(1),
                timeout: Duration::from_secs(limits.request_timeout.max(1)),
                upload_timeout: Duration::from_secs(limits.request_timeout.max(1) * 10),
                graphiql: !limits.no_graphiql,
                access,
            };
            let router = app::router_with(schema, db.clone(), options);
            let served = app::serve(args.listen, router, limits.max_connections).await;
            db.close().await?;
            served
        }
        Command::Token(command) => token_command(command).await,
    }
}

/// Who may come in without a token. On loopback the service is open for
/// local use until a token exists; elsewhere it refuses to start without
/// tokens unless told `--insecure-open`.
async fn access(db: &DatabaseConnection, args: &ServeArgs) -> anyhow::Result<app::Access> {
    let tokens = token::any_active(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let loopback = args.listen.ip().is_loopback();
    if tokens {
        tracing::info!(
            "API tokens are in force: every request needs 'Authorization: Bearer <token>'"
        );
        return Ok(if loopback || args.limits.insecure_open {
            app::Access::OpenUntilTokens
        } else {
            app::Access::TokensRequired
        });
    }
    if loopback {
        tracing::warn!(
            "no API token exists: open to anyone who can reach {} (local use); create one with `orgmap token create --role admin` to lock it",
            args.listen
        );
        return Ok(app::Access::OpenUntilTokens);
    }
    if args.limits.insecure_open {
        tracing::warn!(
            "no API token exists and --insecure-open is set: anyone who can reach {} may read and write everything",
            args.listen
        );
        return Ok(app::Access::OpenUntilTokens);
    }
    anyhow::bail!(
        "refusing to serve {} without API tokens: anyone could read and write. Create one with `orgmap token create --role admin`, listen on 127.0.0.1, or pass --insecure-open",
        args.listen
    )
}

async fn token_command(command: TokenCommand) -> anyhow::Result<()> {
    let operator = Caller::system("cli");
    let fail = |e: crate::error::Error| anyhow::anyhow!("{}", e.public_message());
    match command {
        TokenCommand::Create(args) => {
            let db = open(&args.database).await?;
            let role = Role::parse(&args.role).map_err(fail)?;
            let created = token::create(
                &db,
                &operator,
                role,
                args.region.as_deref(),
                args.name.as_deref(),
            )
            .await
            .map_err(fail)?;
            db.close().await?;
            eprintln!(
                "created token '{}' ({}{}); its secret follows and is shown only this once:",
                created.info.name,
                created.info.role.as_str(),
                created
                    .info
                    .region_code
                    .as_deref()
                    .map(|c| format!(", region {c}"))
                    .unwrap_or_default()
            );
            println!("{}", created.secret);
            Ok(())
        }
        TokenCommand::Revoke(args) => {
            let db = open(&args.database).await?;
            let revoked = token::revoke(&db, &operator, &args.name)
                .await
                .map_err(fail)?;
            db.close().await?;
            if revoked {
                eprintln!("revoked token '{}'", args.name.trim());
            } else {
                eprintln!("token '{}' was already revoked", args.name.trim());
            }
            Ok(())
        }
        TokenCommand::List(args) => {
            let db = open(&args.database).await?;
            let tokens = token::list(&db, &operator).await.map_err(fail)?;
            db.close().await?;
            println!(
                "{:<32} {:<7} {:<8} {:<26} revoked",
                "name", "role", "region", "created"
            );
            for t in tokens {
                println!(
                    "{:<32} {:<7} {:<8} {:<26} {}",
                    t.name,
                    t.role.as_str(),
                    t.region_code.as_deref().unwrap_or("*"),
                    t.created_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    t.revoked_at
                        .map(|r| r.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                        .unwrap_or_else(|| "-".to_owned())
                );
            }
            Ok(())
        }
    }
}

/// Imports a file and prints what it did; fails when any row is bad.
async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let entity = Dataset::parse(&args.entity).map_err(user_error)?;
    let format = match &args.format {
        Some(format) => Format::parse(format).map_err(user_error)?,
        None => Format::from_file_name(&args.file.to_string_lossy()),
    };
    let encoding = Encoding::parse(&args.encoding).map_err(user_error)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let db = open(&args.database).await?;
    let started = std::time::Instant::now();
    let report = transfer::import::import(
        &db,
        &Caller::system("cli"),
        &args.file.display().to_string(),
        Box::new(file),
        ImportOptions {
            entity,
            format,
            encoding,
            dry_run: args.dry_run,
        },
    )
    .await;
    db.close().await?;
    let report = report.map_err(user_error)?;
    let mut out = std::io::stdout().lock();
    for error in &report.errors {
        writeln!(
            out,
            "line {}{}: {}",
            error.line,
            error
                .column
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default(),
            error.reason
        )?;
    }
    if report.rejected > report.errors.len() as u64 {
        writeln!(
            out,
            "… and {} more bad rows",
            report.rejected - report.errors.len() as u64
        )?;
    }
    let outcome = if report.committed {
        "imported"
    } else if report.dry_run && report.rejected == 0 {
        "checked (dry run, nothing written)"
    } else {
        "refused (nothing written)"
    };
    writeln!(
        out,
        "{}: {}, {} rows, {} created, {} updated, {} unchanged, {} rejected; {} responsibilities changed ({:.1} s)",
        entity.as_str(),
        outcome,
        report.rows(),
        report.created,
        report.updated,
        report.unchanged,
        report.rejected,
        report.changed_responsibility,
        started.elapsed().as_secs_f64()
    )?;
    if report.rejected > 0 {
        anyhow::bail!("{} bad rows; nothing was written", report.rejected);
    }
    Ok(())
}

/// Exports an entity to a file or standard output.
async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let options = ExportOptions {
        entity: Dataset::parse(&args.entity).map_err(user_error)?,
        format: Format::parse(&args.format).map_err(user_error)?,
        region_code: args.region.clone(),
    };
    let db = open(&args.database).await?;
    let written = async {
        let mut exporter = Exporter::new(&db, &Scope::EVERYTHING, options)
            .await
            .map_err(user_error)?;
        let mut out: Box<dyn Write> = match &args.out {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        while let Some(chunk) = exporter.next_chunk().await.map_err(user_error)? {
            out.write_all(&chunk)?;
        }
        out.flush()?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    db.close().await?;
    written
}

/// A domain error as the command line shows it: database detail hidden.
fn user_error(err: crate::error::Error) -> anyhow::Error {
    if let crate::error::Error::Database(db_err) = &err {
        tracing::error!(error = %db_err, "database error");
    }
    anyhow::anyhow!("{}", err.public_message())
}

/// Opens and migrates the database, loads the reference data into an empty
/// one and brings the engine's derived data up to date.
pub async fn open(database: &DatabaseArgs) -> anyhow::Result<DatabaseConnection> {
    open_with(database, db::Checkpoints::OnCommit).await
}

async fn open_with(
    database: &DatabaseArgs,
    checkpoints: db::Checkpoints,
) -> anyhow::Result<DatabaseConnection> {
    let mut db = db::connect_with(&database.database_url, checkpoints)
        .await
        .context("cannot open or migrate the database")?;
    if let Some(ms) = database.slow_statement_ms {
        db::log_slow_statements(&mut db, Duration::from_millis(ms));
    }
    if domain::initialize(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!("loaded the reference data: department kinds, categories, province rules");
    }
    Ok(db)
}

/// Logs to standard error, filtered by RUST_LOG (default: info).
pub fn init_logs() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
