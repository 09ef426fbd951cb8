//! What each command does, so that the binary (and the benchmark, which
//! runs the same server) only parse and call [`run`].

use std::io::Write;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::{Cli, Command, ExportArgs, ImportArgs};
use crate::domain::scope::Scope;
use crate::domain::transfer::export::{ExportOptions, Exporter};
use crate::domain::transfer::{self, Encoding, Entity, Format, ImportOptions};
use crate::domain::{self, db};
use crate::{app, demo, graphql};

/// Runs one command to its end.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Demo(args) => {
            let db = open(&args.database.database_url).await?;
            let report = demo::generate(&db, args.organizations, args.seed).await;
            db.close().await?;
            let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(?report, "demo province ready");
            Ok(())
        }
        Command::Import(args) => import(args).await,
        Command::Export(args) => export(args).await,
        Command::Report(args) => {
            let db = open(&args.database.database_url).await?;
            let bytes =
                crate::report::coverage_xlsx(&db, &Scope::EVERYTHING, args.region.as_deref()).await;
            db.close().await?;
            let bytes = bytes.map_err(user_error)?;
            std::fs::write(&args.out, bytes)
                .with_context(|| format!("cannot write {}", args.out.display()))?;
            Ok(())
        }
        Command::Serve(args) => {
            let db = open(&args.database.database_url).await?;
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
            let schema = graphql::build(db.clone());
            let served = app::serve(args.listen, app::router(schema, db.clone())).await;
            db.close().await?;
            served
        }
    }
}

/// Imports a file and prints what it did; fails when any row is bad.
async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let entity = Entity::parse(&args.entity).map_err(user_error)?;
    let format = match &args.format {
        Some(format) => Format::parse(format).map_err(user_error)?,
        None => Format::from_file_name(&args.file.to_string_lossy()),
    };
    let encoding = Encoding::parse(&args.encoding).map_err(user_error)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let db = open(&args.database.database_url).await?;
    let started = std::time::Instant::now();
    let report = transfer::import::import(
        &db,
        &Scope::EVERYTHING,
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
        entity: Entity::parse(&args.entity).map_err(user_error)?,
        format: Format::parse(&args.format).map_err(user_error)?,
        region_code: args.region.clone(),
    };
    let db = open(&args.database.database_url).await?;
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
pub async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(url)
        .await
        .context("cannot open or migrate the database")?;
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
