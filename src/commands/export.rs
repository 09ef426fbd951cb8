//! `orgmap export`: writes an entity as CSV or JSON lines to a file or
//! standard output.

use std::io::Write;

use anyhow::Context;

use super::config::ExportArgs;
use super::database::{open, user_error};
use crate::domain::scope::Scope;
use crate::domain::transfer::export::{ExportOptions, Exporter};
use crate::i18n::Lang;

/// Exports an entity to a file or standard output.
pub async fn run(args: ExportArgs, lang: Lang) -> anyhow::Result<()> {
    let options = ExportOptions {
        entity: args.entity,
        format: args.format,
        region_code: args.region.clone(),
    };
    let db = open(&args.database).await?;
    let written = async {
        let mut exporter = Exporter::new(&db, &Scope::EVERYTHING, options)
            .await
            .map_err(user_error(lang))?;
        let mut out: Box<dyn Write> = match &args.out {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        while let Some(chunk) = exporter.next_chunk().await.map_err(user_error(lang))? {
            out.write_all(&chunk)?;
        }
        out.flush()?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    db.close().await?;
    written
}
