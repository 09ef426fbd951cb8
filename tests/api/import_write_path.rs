//! An import writes through the one write function: it takes the
//! structural-write gate while it writes, and its audit entry commits in the
//! import's own transaction, with its rows or not at all.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use orgmap::domain::access::{Caller, Role};
use orgmap::domain::engine;
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format, ImportReport};
use sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{TestApp, credit_code, small_province};

/// A file that notes, each time the import reads from it, whether a
/// structural write of this process is running.
struct Watched {
    bytes: std::io::Cursor<Vec<u8>>,
    saw_gate: Arc<AtomicBool>,
}

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if engine::structural_write_running() {
            self.saw_gate.store(true, Ordering::SeqCst);
        }
        self.bytes.read(buf)
    }
}

fn importer() -> Caller {
    Caller {
        name: "importer".to_owned(),
        role: Role::Editor,
        scope: Scope::EVERYTHING,
    }
}

async fn import_organizations(
    app: &TestApp,
    file: String,
    dry_run: bool,
) -> orgmap::error::Result<ImportReport> {
    import(
        &app.db,
        &importer(),
        "orgs.csv",
        Box::new(std::io::Cursor::new(file.into_bytes())),
        ImportOptions {
            entity: Dataset::Organizations,
            format: Format::Csv,
            encoding: Encoding::Utf8,
            dry_run,
        },
    )
    .await
}

fn organizations_file(serials: &[u32]) -> String {
    let mut file = "creditCode,name,categoryCode,regionCode\n".to_owned();
    for serial in serials {
        file.push_str(&format!(
            "{},公司{serial},SMALL_MICRO_ENTERPRISE,350102001\n",
            credit_code("91", "350102", *serial)
        ));
    }
    file
}

async fn import_entries(app: &TestApp) -> i64 {
    app.count("change WHERE action = 'IMPORT'").await
}

#[tokio::test]
async fn an_import_takes_the_structural_gate_while_it_reads_and_writes() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let saw_gate = Arc::new(AtomicBool::new(false));
    let file = Watched {
        bytes: std::io::Cursor::new(organizations_file(&[1, 2, 3]).into_bytes()),
        saw_gate: saw_gate.clone(),
    };

    let report = import(
        &app.db,
        &importer(),
        "orgs.csv",
        Box::new(file),
        ImportOptions {
            entity: Dataset::Organizations,
            format: Format::Csv,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .unwrap();

    assert!(report.committed, "{report:?}");
    assert!(
        saw_gate.load(Ordering::SeqCst),
        "the file is read inside the import's write, which counts as structural"
    );
}

#[tokio::test]
async fn a_committed_import_leaves_exactly_one_audit_entry_and_a_refused_one_none() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let before = app.count("organization").await;

    // A bad row: nothing written, nothing audited.
    let mut bad = organizations_file(&[1]);
    bad.push_str("not-a-credit-code,坏公司,SMALL_MICRO_ENTERPRISE,350102001\n");
    let refused = import_organizations(&app, bad, false).await.unwrap();
    assert!(!refused.committed);
    assert_eq!(refused.rejected, 1);
    assert_eq!(app.count("organization").await, before);
    assert_eq!(
        import_entries(&app).await,
        0,
        "a refused import is not audited"
    );

    // A dry run: nothing written, nothing audited.
    let checked = import_organizations(&app, organizations_file(&[1, 2]), true)
        .await
        .unwrap();
    assert!(!checked.committed);
    assert_eq!(checked.created, 2);
    assert_eq!(import_entries(&app).await, 0, "a dry run is not audited");

    // A clean file: its rows and exactly one entry.
    let done = import_organizations(&app, organizations_file(&[1, 2]), false)
        .await
        .unwrap();
    assert!(done.committed);
    assert_eq!(app.count("organization").await, before + 2);
    assert_eq!(import_entries(&app).await, 1);
    assert_eq!(
        app.count("change WHERE action = 'IMPORT' AND actor = 'importer' AND entity_key = 'import:orgs.csv'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_import_whose_audit_entry_fails_writes_none_of_its_rows() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let before = app.count("organization").await;
    // The audit trail refuses import entries: the entry is written in the
    // import's transaction, so the rows go with it.
    let refuse = match app.db.get_database_backend() {
        DbBackend::Postgres => vec![
            "CREATE FUNCTION refuse_import_entries() RETURNS trigger AS $$ \
             BEGIN IF NEW.action = 'IMPORT' THEN RAISE EXCEPTION 'no import entries'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_import_entries BEFORE INSERT ON change \
             FOR EACH ROW EXECUTE FUNCTION refuse_import_entries()",
        ],
        _ => vec![
            "CREATE TRIGGER refuse_import_entries BEFORE INSERT ON change \
             WHEN NEW.action = 'IMPORT' BEGIN SELECT RAISE(ABORT, 'no import entries'); END",
        ],
    };
    for sql in refuse {
        app.db.execute_unprepared(sql).await.unwrap();
    }

    let failed = import_organizations(&app, organizations_file(&[1, 2]), false).await;

    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(app.count("organization").await, before);
    assert_eq!(import_entries(&app).await, 0);
}
