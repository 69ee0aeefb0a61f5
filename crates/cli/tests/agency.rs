//! `gongkai agency set|show`: an agency's settings set from the command line, validated with
//! the field and rule named, read back.

use std::process::{Command, Output};

use anyhow::{Context, Result};

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

fn gongkai(args: &[&str]) -> Result<Output> {
    Ok(Command::new(BIN)
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_PII_KEY")
        .env("RUST_LOG", "warn")
        .output()?)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn agency_set_stores_validated_settings_and_show_prints_them() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let data = data.to_str().context("utf-8 path")?;
    let o = gongkai(&[
        "agency",
        "create",
        "--data",
        data,
        "--slug",
        "fuxin-zrzyj",
        "--name",
        "阜新市自然资源局",
    ])?;
    assert!(o.status.success(), "{}", text(&o.stderr));

    let o = gongkai(&[
        "agency",
        "set",
        "--data",
        data,
        "fuxin-zrzyj",
        "office_name=阜新市自然资源局办公室",
        "phone=0418-2812345",
        "channels=online,in_person",
        "office_hours=工作日 8:30—17:00",
    ])?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("phone=0418-2812345"), "{out}");
    assert!(
        out.contains("channels=in_person,online"),
        "stored in the fixed order: {out}"
    );

    // Bad values: every one named with its rule, nothing stored.
    let o = gongkai(&[
        "agency",
        "set",
        "--data",
        data,
        "fuxin-zrzyj",
        "phone=call me",
        "postcode=12",
        "fax=0418-2812346",
    ])?;
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("phone:") && err.contains("postcode:"), "{err}");
    // An unknown key: refused with the known ones.
    let o = gongkai(&[
        "agency",
        "set",
        "--data",
        data,
        "fuxin-zrzyj",
        "telephone=0418-2812345",
    ])?;
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("telephone") && err.contains("office_name") && err.contains("site_code"),
        "{err}"
    );
    let o = gongkai(&["agency", "set", "--data", data, "fuxin-zrzyj", "phone"])?;
    assert!(!o.status.success(), "key=value is required");
    let o = gongkai(&[
        "agency",
        "set",
        "--data",
        data,
        "nobody",
        "phone=0418-2812345",
    ])?;
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("nobody"));

    // Cleared with an empty value; show prints what is set.
    let o = gongkai(&[
        "agency",
        "set",
        "--data",
        data,
        "fuxin-zrzyj",
        "office_hours=",
    ])?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = gongkai(&["agency", "show", "--data", data, "fuxin-zrzyj"])?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "office_name=阜新市自然资源局办公室",
            "phone=0418-2812345",
            "channels=in_person,online"
        ],
        "{out}"
    );
    Ok(())
}
