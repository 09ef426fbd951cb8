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

/// Writes the backup to `--out`, refusing to overwrite a file unless `--force`.
pub async fn run(args: BackupArgs) -> anyhow::Result<()> {
    if args.out.exists() && !args.force {
        anyhow::bail!(
            "{} 已存在，未作覆盖；如需覆盖，请加 --force 参数",
            args.out.display()
        );
    }
    let url = &args.database.database_url;
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return pg_dump(url, &args.out);
    }
    let db = db::open(url).await.context("无法打开数据库")?;
    let copied = match holds_tables(&db).await {
        Ok(true) => vacuum_into(&db, &args.out).await,
        Ok(false) => Err(anyhow::anyhow!("数据库为空或不存在，未生成备份")),
        Err(err) => Err(err),
    };
    db.close().await?;
    copied?;
    eprintln!("备份已写入 {}", args.out.display());
    Ok(())
}

/// Whether the SQLite database has tables: a mistyped path opens (and
/// creates) an empty file, which is no backup.
async fn holds_tables(db: &sea_orm::DatabaseConnection) -> anyhow::Result<bool> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
        ))
        .await
        .context("无法读取数据库")?;
    let tables = match row {
        Some(row) => row.try_get::<i64>("", "n").context("无法读取数据库")?,
        None => 0,
    };
    Ok(tables > 0)
}

/// Copies the SQLite database into `out` through a file beside it, renamed
/// into place once whole, so that `out` is never a half-written backup.
async fn vacuum_into(db: &sea_orm::DatabaseConnection, out: &Path) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Sqlite {
        anyhow::bail!("此数据库不支持该备份方式");
    }
    let partial = partial_path(out);
    // VACUUM INTO refuses to write over a file: a partial one left by an
    // interrupted backup is ours to remove.
    remove_if_present(&partial)?;
    let target = partial.to_string_lossy().into_owned();
    let copied = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await;
    if let Err(err) = copied {
        let _ = remove_if_present(&partial);
        return Err(err).context("备份失败");
    }
    std::fs::rename(&partial, out).with_context(|| format!("无法写入 {}", out.display()))
}

/// `out` with `.partial` appended to its file name.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("无法删除 {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Runs `pg_dump --format=custom` into `out`, or, when it is not on the
/// PATH, says what to run.
fn pg_dump(url: &str, out: &Path) -> anyhow::Result<()> {
    let status = std::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--file")
        .arg(out)
        .arg("--dbname")
        .arg(url)
        .status();
    match status {
        Ok(status) if status.success() => {
            eprintln!("备份已写入 {}", out.display());
            Ok(())
        }
        Ok(status) => anyhow::bail!("pg_dump 执行失败（{status}），未生成备份"),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "未找到 pg_dump（PostgreSQL 客户端工具）。请在可连接数据库的机器上执行：\n  pg_dump --format=custom --file {} --dbname '{}'\n（口令可通过 PGPASSWORD 环境变量提供）",
                out.display(),
                without_password(url)
            );
            anyhow::bail!("未找到 pg_dump，未生成备份")
        }
        Err(err) => Err(err).context("无法运行 pg_dump"),
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
