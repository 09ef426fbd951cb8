//! `orgmap backup`: a consistent copy of the whole database, tokens and the
//! audit trail included, taken while the server runs and writes go on.
//!
//! On SQLite it is `VACUUM INTO`, which reads one snapshot (one read
//! transaction under WAL, so writers are not held up) into a new file: the
//! copy holds every transaction committed before it began and none after.
//! A plain file copy of a WAL database under writes is not safe. On
//! PostgreSQL it runs `pg_dump --format=custom`, which also reads one
//! snapshot; when `pg_dump` is not installed it says what to run.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::config::BackupArgs;
use crate::domain::store::db;
use crate::i18n::{Lang, Message};
use crate::msg;

/// Writes the backup to `--out`, refusing to overwrite a file unless `--force`.
pub async fn run(args: BackupArgs, lang: Lang) -> anyhow::Result<()> {
    let say = |message: Message| message.render(lang);
    if args.out.exists() && !args.force {
        anyhow::bail!(say(msg!(
            "backup-exists",
            path = args.out.display().to_string()
        )));
    }
    let url = &args.database.database_url;
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return pg_dump(url, &args.out, lang);
    }
    let db = db::open(url)
        .await
        .context(say(msg!("backup-cannot-open")))?;
    let copied = match holds_tables(&db, lang).await {
        Ok(true) => vacuum_into(&db, &args.out, lang).await,
        Ok(false) => Err(anyhow::anyhow!(say(msg!("backup-empty")))),
        Err(err) => Err(err),
    };
    db.close().await?;
    copied?;
    eprintln!(
        "{}",
        say(msg!(
            "backup-written",
            path = args.out.display().to_string()
        ))
    );
    Ok(())
}

/// Whether the SQLite database has tables: a mistyped path opens (and
/// creates) an empty file, which is no backup.
async fn holds_tables(db: &sea_orm::DatabaseConnection, lang: Lang) -> anyhow::Result<bool> {
    let unreadable = || msg!("backup-cannot-read").render(lang);
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
        ))
        .await
        .with_context(unreadable)?;
    let tables = match row {
        Some(row) => row.try_get::<i64>("", "n").with_context(unreadable)?,
        None => 0,
    };
    Ok(tables > 0)
}

/// Copies the SQLite database into `out` through a file beside it, renamed
/// into place once whole, so that `out` is never a half-written backup.
async fn vacuum_into(
    db: &sea_orm::DatabaseConnection,
    out: &Path,
    lang: Lang,
) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Sqlite {
        anyhow::bail!(msg!("backup-unsupported").render(lang));
    }
    let partial = partial_path(out);
    // VACUUM INTO refuses to write over a file: a partial one left by an
    // interrupted backup is ours to remove.
    remove_if_present(&partial, lang)?;
    let target = partial.to_string_lossy().into_owned();
    let copied = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await;
    if let Err(err) = copied {
        let _ = remove_if_present(&partial, lang);
        return Err(err).context(msg!("backup-failed").render(lang));
    }
    std::fs::rename(&partial, out)
        .with_context(|| msg!("cannot-write-file", path = out.display().to_string()).render(lang))
}

/// `out` with `.partial` appended to its file name.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

fn remove_if_present(path: &Path, lang: Lang) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err).with_context(|| {
            msg!("cannot-remove-file", path = path.display().to_string()).render(lang)
        }),
        _ => Ok(()),
    }
}

/// Runs `pg_dump --format=custom` into `out`, or, when it is not on the
/// PATH, says what to run.
fn pg_dump(url: &str, out: &Path, lang: Lang) -> anyhow::Result<()> {
    let say = |message: Message| message.render(lang);
    let status = std::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--file")
        .arg(out)
        .arg("--dbname")
        .arg(url)
        .status();
    match status {
        Ok(status) if status.success() => {
            eprintln!(
                "{}",
                say(msg!("backup-written", path = out.display().to_string()))
            );
            Ok(())
        }
        Ok(status) => anyhow::bail!(say(msg!(
            "backup-pg-dump-failed",
            status = status.to_string()
        ))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "{}",
                say(msg!(
                    "backup-pg-dump-missing-advice",
                    path = out.display().to_string(),
                    url = without_password(url)
                ))
            );
            anyhow::bail!(say(msg!("backup-pg-dump-missing")))
        }
        Err(err) => Err(err).context(say(msg!("backup-pg-dump-cannot-run"))),
    }
}

/// The URL with its password, if any, replaced by `****`, for printing.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_url_hides_its_password() {
        assert_eq!(
            without_password("postgres://orgmap:secret@db:5432/orgmap"),
            "postgres://orgmap:****@db:5432/orgmap"
        );
        assert_eq!(
            without_password("postgres://orgmap@db/orgmap"),
            "postgres://orgmap@db/orgmap"
        );
    }

    #[test]
    fn the_partial_file_sits_beside_the_backup() {
        assert_eq!(
            partial_path(Path::new("/var/backups/orgmap.db")),
            Path::new("/var/backups/orgmap.db.partial")
        );
    }
}
