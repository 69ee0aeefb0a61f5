//! The second factor under key rotation (issue 10): a head enrols TOTP through the use cases,
//! the database keeps the secret only sealed, `key rotate` re-seals it, and after the rotation
//! (a new process with the new key) the head logs in with the code of the authenticator
//! enrolled before — and a wrong code is still refused. On SQLite and PostgreSQL.

use std::sync::Arc;

use anyhow::{Context, Result};
use gongkai_app::{App, LoginInput, UserInput};
use gongkai_domain::clock::{Clock, ManualClock};
use gongkai_store::testing::{Backend, Deployment};
use gongkai_store::{Actor, SessionStage, keys};

const PASSWORD: &str = "correct horse battery";

fn login(code: Option<String>) -> LoginInput {
    LoginInput {
        login: "head".into(),
        password: PASSWORD.into(),
        code,
        address: "127.0.0.1".into(),
    }
}

#[tokio::test]
async fn a_head_logs_in_with_the_enrolled_code_after_a_key_rotation() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let clock = Arc::new(ManualClock::starting(
            chrono::NaiveDate::from_ymd_opt(2025, 6, 9).context("date")?,
        ));
        let store = dep.open().await?;
        gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
        let app = App::new(store, clock.clone());
        app.create_user(
            &UserInput {
                login: "head".into(),
                role: "head".into(),
                agency: Some("fuxin-zrzyj".into()),
                password: Some(PASSWORD.into()),
                ..Default::default()
            },
            &Actor::system(),
        )
        .await?;
        let enrol = app.login(&login(None)).await?;
        assert_eq!(enrol.stage, SessionStage::Enrol);
        let secret = app.begin_totp(&enrol.id).await?.secret;
        let now = || u64::try_from(clock.now().timestamp()).unwrap_or_default();
        let code = || gongkai_app::accounts::totp_code(&secret, "head", now());
        app.confirm_totp(&enrol.id, &code()?).await?;
        drop(app);

        keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(())).await?;
        let app = App::new(dep.open().await?, clock.clone());
        let session = app.login(&login(Some(code()?))).await?;
        assert_eq!(session.stage, SessionStage::Full, "{backend:?}");
        assert!(app.actor_for_session(&session.id).await?.is_some());
        let wrong = if code()? == "000000" {
            "111111"
        } else {
            "000000"
        };
        assert!(
            app.login(&login(Some(wrong.into()))).await.is_err(),
            "{backend:?}"
        );
    }
    Ok(())
}
