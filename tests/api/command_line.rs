//! The binary itself: `orgmap token` and how `orgmap serve` treats access.

use std::process::{Command, Stdio};

fn orgmap() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orgmap"));
    // The locale of the machine running the tests must not choose the
    // language: Chinese unless a test asks for English.
    command
        .env_remove("DATABASE_URL")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env("RUST_LOG", "info");
    command
}

fn database(dir: &tempfile::TempDir) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("orgmap.db").display()
    )
}

#[test]
fn token_create_shows_the_secret_once_and_list_and_revoke_manage_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    let created = orgmap()
        .args([
            "token",
            "create",
            "--role",
            "editor",
            "--name",
            "ops",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let secret = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert!(secret.starts_with("orgmap_"), "{secret}");
    assert!(String::from_utf8_lossy(&created.stderr).contains("仅显示这一次"));

    let listed = orgmap()
        .args(["token", "list", "--database-url", &url])
        .output()
        .unwrap();
    let listing = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listing.contains("ops") && listing.contains("editor"),
        "{listing}"
    );
    assert!(
        !listing.contains(&secret),
        "the list must never show a secret"
    );

    let revoked = orgmap()
        .args(["token", "revoke", "ops", "--database-url", &url])
        .output()
        .unwrap();
    assert!(revoked.status.success(), "{revoked:?}");
    let listing = String::from_utf8(
        orgmap()
            .args(["token", "list", "--database-url", &url])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let line = listing.lines().find(|l| l.starts_with("ops")).unwrap();
    assert!(
        !line.trim_end().ends_with('-'),
        "revocation time listed: {line}"
    );
}

#[test]
fn token_create_refuses_an_unknown_role_or_region() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    for args in [
        vec!["--role", "root"],
        vec!["--role", "viewer", "--region", "999999"],
    ] {
        let output = orgmap()
            .args(["token", "create"])
            .args(&args)
            .args(["--database-url", &url])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?} must fail");
        assert!(output.stdout.is_empty(), "no secret for {args:?}");
    }
}

/// Starts `orgmap serve` with `args` and reads its log until it listens or
/// exits; returns whether it listened and the log so far. Stops it.
fn serve_until_listening(args: &[&str]) -> (bool, String) {
    use std::io::{BufRead, BufReader};
    let mut child = orgmap()
        .arg("serve")
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut log = String::new();
    let mut listening = false;
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        log.push_str(&line);
        log.push('\n');
        if line.contains("orgmap is listening") {
            listening = true;
            break;
        }
    }
    child.kill().ok();
    child.wait().ok();
    (listening, log)
}

#[test]
fn serving_beyond_loopback_without_tokens_is_refused_unless_insecure_open() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    let (listening, log) =
        serve_until_listening(&["--listen", "0.0.0.0:0", "--database-url", &url]);
    assert!(!listening, "{log}");
    assert!(log.contains("refusing to serve"), "{log}");

    let (listening, log) = serve_until_listening(&[
        "--listen",
        "0.0.0.0:0",
        "--insecure-open",
        "--database-url",
        &url,
    ]);
    assert!(listening, "{log}");
    assert!(log.contains("--insecure-open is set"), "{log}");
}

#[test]
fn serving_on_loopback_without_tokens_is_open_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    let (listening, log) =
        serve_until_listening(&["--listen", "127.0.0.1:0", "--database-url", &url]);
    assert!(listening, "{log}");
    assert!(log.contains("open to anyone who can reach"), "{log}");
}

#[test]
fn serving_beyond_loopback_with_a_token_starts_and_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    let created = orgmap()
        .args([
            "token",
            "create",
            "--role",
            "viewer",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(created.status.success());
    let (listening, log) =
        serve_until_listening(&["--listen", "0.0.0.0:0", "--database-url", &url]);
    assert!(listening, "{log}");
    assert!(log.contains("every request needs"), "{log}");
}

#[test]
fn slow_statement_ms_logs_prepared_and_unprepared_statements_and_only_when_asked() {
    let demo = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let output = orgmap()
            .env("RUST_LOG", "warn")
            .args([
                "demo",
                "--organizations",
                "50",
                "--database-url",
                &database(&dir),
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let logged = demo(&["--slow-statement-ms", "0"]);
    let slow: Vec<&str> = logged
        .lines()
        .filter(|l| l.contains("slow statement"))
        .collect();
    assert!(
        slow.iter().any(|l| l.contains("effective_rule_next")),
        "the engine's unprepared statements are logged: {logged}"
    );
    assert!(
        slow.iter()
            .any(|l| l.contains("elapsed_ms=") && l.contains("SELECT")),
        "prepared statements are logged with their time: {logged}"
    );

    let quiet = demo(&[]);
    assert!(!quiet.contains("slow statement"), "{quiet}");
}

#[test]
fn the_pool_size_comes_from_the_flag_or_the_environment_and_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);

    let refused = orgmap()
        .args(["export", "--entity", "categories", "--database-url", &url])
        .args(["--pool-size", "0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--pool-size"),
        "{refused:?}"
    );

    let exported = orgmap()
        .args(["export", "--entity", "categories", "--database-url", &url])
        .env("ORGMAP_POOL_SIZE", "2")
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(exported.status.success(), "{exported:?}");
    assert!(!exported.stdout.is_empty());
}

#[test]
fn the_command_line_speaks_chinese_by_default_and_english_with_lang_en_or_lang() {
    let dir = tempfile::tempdir().unwrap();
    let url = database(&dir);
    let revoke = ["token", "revoke", "nobody", "--database-url", &url];

    let chinese = orgmap().args(revoke).output().unwrap();
    let flag = orgmap()
        .args(["--lang", "en"])
        .args(revoke)
        .output()
        .unwrap();
    let locale = orgmap()
        .env("LANG", "en_US.UTF-8")
        .args(revoke)
        .output()
        .unwrap();
    let flag_wins = orgmap()
        .env("LANG", "en_US.UTF-8")
        .args(revoke)
        .args(["--lang", "zh"])
        .output()
        .unwrap();

    for (case, output, says) in [
        ("default", &chinese, "name：未找到名为“nobody”的令牌"),
        ("--lang en", &flag, "name: no token is named 'nobody'"),
        ("LANG=en_US", &locale, "name: no token is named 'nobody'"),
        (
            "--lang zh over LANG",
            &flag_wins,
            "name：未找到名为“nobody”的令牌",
        ),
    ] {
        assert!(!output.status.success(), "{case}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{case}: {stderr}");
    }
}
