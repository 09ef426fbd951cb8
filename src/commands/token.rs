//! `orgmap token`: creates, revokes and lists API tokens.

use sea_orm::ActiveEnum;

use super::config::TokenCommand;
use super::database::{open, user_error};
use crate::domain::access::{Caller, Role};
use crate::domain::token;
use crate::i18n::Lang;
use crate::msg;

/// Runs one `orgmap token` subcommand; its database errors are logged and
/// shown only by their public message, as every command's are.
pub async fn run(command: TokenCommand, lang: Lang) -> anyhow::Result<()> {
    let operator = Caller::system("cli");
    match command {
        TokenCommand::Create(args) => {
            let db = open(&args.database).await?;
            let role = Role::parse(&args.role).map_err(user_error(lang))?;
            let created = token::create(
                &db,
                &operator,
                role,
                args.region.as_deref(),
                args.name.as_deref(),
            )
            .await
            .map_err(user_error(lang))?;
            db.close().await?;
            let created_message = match created.info.region_code.as_deref() {
                Some(region) => msg!(
                    "cli-token-created-in-region",
                    name = created.info.name.as_str(),
                    role = created.info.role.to_value(),
                    region = region
                ),
                None => msg!(
                    "cli-token-created",
                    name = created.info.name.as_str(),
                    role = created.info.role.to_value()
                ),
            };
            eprintln!("{}", created_message.render(lang));
            println!("{}", created.secret);
            Ok(())
        }
        TokenCommand::Revoke(args) => {
            let db = open(&args.database).await?;
            let revoked = token::revoke(&db, &operator, &args.name)
                .await
                .map_err(user_error(lang))?;
            db.close().await?;
            let said = if revoked {
                msg!("cli-token-revoked", name = args.name.trim())
            } else {
                msg!("cli-token-already-revoked", name = args.name.trim())
            };
            eprintln!("{}", said.render(lang));
            Ok(())
        }
        TokenCommand::List(args) => {
            let db = open(&args.database).await?;
            let tokens = token::list(&db, &operator)
                .await
                .map_err(user_error(lang))?;
            db.close().await?;
            println!(
                "{:<32} {:<7} {:<8} {:<26} revoked",
                "name", "role", "region", "created"
            );
            for t in tokens {
                println!(
                    "{:<32} {:<7} {:<8} {:<26} {}",
                    t.name,
                    t.role.to_value(),
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
