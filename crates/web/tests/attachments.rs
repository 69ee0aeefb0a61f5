//! 附件 (issue 10): a request's attachments through the staff API and the back-office pages, on
//! SQLite and PostgreSQL — type checked by content against the declared type, 20 MiB and not a
//! byte more (413 with a clear error), the name cleaned, the bytes kept outside the database
//! under their SHA-256 and served only as downloads (attachment, nosniff, no-store) while they
//! still hash to the recorded digest (a file changed on disk is refused: 500, logged, audited,
//! found by verify), and isolation: another agency's staff, or a handler of another department,
//! get the same 404 as for a missing request.

mod common;

use std::path::PathBuf;

use anyhow::{Context, Result};
use gongkai_app::{App, UserInput};
use gongkai_domain::attachment::MAX_BYTES;
use gongkai_store::testing::Backend;
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// A real DOCX (the renderer's letter).
fn docx() -> Result<Vec<u8>> {
    Ok(gongkai_render::letter_docx(&gongkai_render::Letter {
        agency: common::AGENCY_NAME.into(),
        title: "委托书".into(),
        number: "—".into(),
        paragraphs: vec!["兹委托张三代为申请。".into()],
        date: "2025年6月9日".into(),
    })?)
}

/// The seed agency served, with one request registered; its number.
async fn with_request(backend: Backend) -> Result<(common::Seeded, String)> {
    let site = common::seeded(backend).await?;
    let number = site.register().await?;
    Ok((site, number))
}

/// Uploads `bytes` to request `number` with the agency's staff token.
async fn staff_upload(
    site: &common::Seeded,
    number: &str,
    query: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<(StatusCode, Value)> {
    upload(&site.base, &site.staff, number, query, content_type, bytes).await
}

/// Uploads [`PDF`] as `a.pdf` to request `number` with `token`.
async fn upload_pdf(
    site: &common::Seeded,
    token: &str,
    number: &str,
) -> Result<(StatusCode, Value)> {
    upload(
        &site.base,
        token,
        number,
        "name=a.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await
}

fn upload_url(base: &str, number: &str, query: &str) -> String {
    format!("{base}/api/v1/staff/requests/{number}/attachments?{query}")
}

async fn upload(
    base: &str,
    token: &str,
    number: &str,
    query: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<(StatusCode, Value)> {
    let r = reqwest::Client::new()
        .post(upload_url(base, number, query))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await?;
    let status = r.status();
    Ok((status, r.json().await.unwrap_or(Value::Null)))
}

async fn get(url: &str, token: &str) -> Result<(StatusCode, HeaderMap, Vec<u8>)> {
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await?;
    Ok((r.status(), r.headers().clone(), r.bytes().await?.to_vec()))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Where the store keeps the file of `sha256`.
fn file_of(ts: &gongkai_store::testing::TestStore, sha256: &str) -> PathBuf {
    ts.dir
        .path()
        .join(gongkai_store::attachments::DIR)
        .join(&sha256[..2])
        .join(format!("{sha256}.bin"))
}

#[tokio::test]
async fn upload_list_and_download_with_the_headers_of_a_download() -> Result<()> {
    for backend in Backend::all() {
        let (site, number) = with_request(backend).await?;
        let (s, pdf) = staff_upload(
            &site,
            &number,
            "name=..%2F..%2F%E8%BA%AB%E4%BB%BD%E8%AF%81%E5%A4%8D%E5%8D%B0%E4%BB%B6.PDF",
            "application/pdf",
            PDF.to_vec(),
        )
        .await?;
        assert_eq!(s, StatusCode::CREATED, "{backend:?}: {pdf}");
        assert_eq!(
            pdf["name"], "身份证复印件.pdf",
            "the path is cut, the extension the type's"
        );
        assert_eq!(pdf["purpose"], "application");
        assert_eq!(pdf["content_type"], "application/pdf");
        assert_eq!(pdf["size"], PDF.len());
        let docx = docx()?;
        let (s, enclosure) = staff_upload(
            &site,
            &number,
            "name=%E7%AD%94%E5%A4%8D%E9%99%84%E4%BB%B6.docx&purpose=enclosure",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx.clone(),
        )
        .await?;
        assert_eq!(s, StatusCode::CREATED, "{enclosure}");
        assert_eq!(enclosure["purpose_zh"], "答复附件");

        let list_url = upload_url(&site.base, &number, "");
        let (s, _, body) = get(&list_url, &site.staff).await?;
        assert_eq!(s, StatusCode::OK);
        let list: Value = serde_json::from_slice(&body)?;
        assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");

        let id = enclosure["id"].as_i64().context("id")?;
        let url = format!(
            "{}/api/v1/staff/requests/{number}/attachments/{id}",
            site.base
        );
        let (s, h, bytes) = get(&url, &site.staff).await?;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(bytes, docx, "the bytes uploaded");
        assert_eq!(
            header(&h, "content-type"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let disposition = header(&h, "content-disposition");
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(
            disposition.contains("filename*=UTF-8''%E7%AD%94%E5%A4%8D%E9%99%84%E4%BB%B6.docx"),
            "{disposition}"
        );
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert_eq!(header(&h, "cache-control"), "no-store");

        // The bytes are outside the database, under their digest; the audit log has the upload
        // (never the file's name) and verification rechecks the files.
        let sha = enclosure["sha256"].as_str().context("sha256")?;
        assert_eq!(std::fs::read(file_of(&site.store, sha))?, docx);
        let log = site.store.store.audit_entries(0, 1000).await?;
        let adds: Vec<_> = log
            .iter()
            .filter(|e| e.action == "attachment.add")
            .collect();
        assert_eq!(adds.len(), 2);
        assert!(
            adds.iter()
                .all(|e| e.payload_hash.is_some() && !e.object.contains("身份证"))
        );
        let report = site.store.store.verify_audit_log().await?;
        assert!(report.is_ok(), "{backend:?}: {report}");
        // The row is frozen.
        let changed = site
            .store
            .raw_exec("UPDATE attachments SET name = 'x.pdf'")
            .await;
        assert!(changed.is_err(), "{backend:?}: attachments are append-only");
    }
    Ok(())
}

#[tokio::test]
async fn the_type_is_the_contents_and_the_size_is_bounded() -> Result<()> {
    for backend in Backend::all() {
        let (site, number) = with_request(backend).await?;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        // Declared a PDF, the content a PNG.
        let (s, e) =
            staff_upload(&site, &number, "name=a.pdf", "application/pdf", png.clone()).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "type", "{e}");
        assert!(
            e["errors"][0]["rule_zh"]
                .as_str()
                .unwrap_or_default()
                .contains("不符"),
            "{e}"
        );
        // HTML or an executable is no accepted type, whatever it is called.
        for bytes in [&b"<html><script>alert(1)</script>"[..], b"MZ\x90\0\x03"] {
            let (s, e) = staff_upload(
                &site,
                &number,
                "name=a.pdf",
                "application/octet-stream",
                bytes.to_vec(),
            )
            .await?;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["errors"][0]["field"], "file", "{e}");
        }
        // A declared type we do not take.
        let (s, e) = staff_upload(&site, &number, "name=a.html", "text/html", PDF.to_vec()).await?;
        assert_eq!(
            (s, &e["errors"][0]["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &Value::from("type"))
        );
        // Exactly 20 MiB is taken, one byte more is a 413 that says why.
        let mut big = PDF.to_vec();
        big.resize(MAX_BYTES, b' ');
        let (s, ok) = staff_upload(
            &site,
            &number,
            "name=big.pdf",
            "application/pdf",
            big.clone(),
        )
        .await?;
        assert_eq!(s, StatusCode::CREATED, "{ok}");
        big.push(b' ');
        let (s, e) = staff_upload(&site, &number, "name=big.pdf", "application/pdf", big).await?;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        assert_eq!(e["error"], "payload_too_large");
        assert_eq!(e["errors"][0]["field"], "file");
        assert!(
            e["message_zh"]
                .as_str()
                .unwrap_or_default()
                .contains("20 MB"),
            "{e}"
        );
        // Every other route keeps the server's body limit.
        let r = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/staff/requests/{number}/events",
                site.base
            ))
            .bearer_auth(&site.staff)
            .header("content-type", "application/json")
            .body(vec![b' '; 2 * 1024 * 1024])
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let (_, _, list) = get(&upload_url(&site.base, &number, ""), &site.staff).await?;
        let list: Value = serde_json::from_slice(&list)?;
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(1),
            "only the one that was right: {list}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_file_changed_on_disk_is_refused_logged_and_audited() -> Result<()> {
    for backend in Backend::all() {
        let (site, number) = with_request(backend).await?;
        let (_, a) = upload_pdf(&site, &site.staff, &number).await?;
        let (id, sha) = (
            a["id"].as_i64().context("id")?,
            a["sha256"].as_str().context("sha")?,
        );
        let url = format!(
            "{}/api/v1/staff/requests/{number}/attachments/{id}",
            site.base
        );
        assert_eq!(get(&url, &site.staff).await?.0, StatusCode::OK);
        std::fs::write(file_of(&site.store, sha), b"%PDF-1.4 something else")?;
        let (s, _, body) = get(&url, &site.staff).await?;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{backend:?}");
        assert!(!String::from_utf8_lossy(&body).contains("something else"));
        let log = site.store.store.audit_entries(0, 1000).await?;
        assert!(
            log.iter().any(
                |e| e.action == "attachment.file_tampered" && e.outcome.starts_with("rejected")
            ),
            "audited"
        );
        let report = site.store.store.verify_audit_log().await?;
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.field.as_deref() == Some("attachments.file")),
            "{backend:?}: {report}"
        );
        // A file gone is refused the same way.
        std::fs::remove_file(file_of(&site.store, sha))?;
        assert_eq!(
            get(&url, &site.staff).await?.0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    Ok(())
}

#[tokio::test]
async fn another_agency_or_department_finds_nothing() -> Result<()> {
    for backend in Backend::all() {
        let site = common::seeded(backend).await?;
        let store = site.store.store.clone();
        let number = site.register().await?;
        let (_, a) = upload_pdf(&site, &site.staff, &number).await?;
        let id = a["id"].as_i64().context("id")?;
        let other =
            gongkai_store::testing::agency(store.as_ref(), "other-agency", "另一机关").await?;
        let (other_staff, _) = common::staff_and_head(store.as_ref(), other.id).await?;
        let dept = store
            .add_department(site.agency.id, "耕地保护监督科", &Actor::system())
            .await?;
        let handler = store
            .issue_token(
                &gongkai_store::NewToken {
                    name: "承办人".into(),
                    role: Role::Handler,
                    agency_id: Some(site.agency.id),
                    department_id: Some(dept.id),
                    supervised: Vec::new(),
                    days: 30,
                },
                &Actor::system(),
            )
            .await?
            .token;
        let download = format!(
            "{}/api/v1/staff/requests/{number}/attachments/{id}",
            site.base
        );
        let missing = format!(
            "{}/api/v1/staff/requests/fx-2025-99999/attachments/{id}",
            site.base
        );
        let (s, _, missing_body) = get(&missing, &site.staff).await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let missing_body: Value = serde_json::from_slice(&missing_body)?;
        for token in [&other_staff, &handler] {
            for url in [download.clone(), upload_url(&site.base, &number, "")] {
                let (s, _, body) = get(&url, token).await?;
                assert_eq!(s, StatusCode::NOT_FOUND, "{backend:?} {url}");
                let body: Value = serde_json::from_slice(&body)?;
                assert_eq!(
                    body["message_zh"], missing_body["message_zh"],
                    "the same 404"
                );
            }
            let (s, _) = upload(
                &site.base,
                token,
                &number,
                "name=b.pdf",
                "application/pdf",
                PDF.to_vec(),
            )
            .await?;
            assert_eq!(s, StatusCode::NOT_FOUND);
        }
        // Another request's attachment id under this request is not found either.
        let second = site.register().await?;
        let crossed = format!(
            "{}/api/v1/staff/requests/{second}/attachments/{id}",
            site.base
        );
        assert_eq!(get(&crossed, &site.staff).await?.0, StatusCode::NOT_FOUND);
        // A supervisor (监督) of the agency reads the list and the file but adds nothing (403, audited).
        let supervisor = store
            .issue_token(
                &gongkai_store::NewToken {
                    name: "监督".into(),
                    role: Role::Supervisor,
                    agency_id: Some(other.id),
                    department_id: None,
                    supervised: vec![site.agency.id],
                    days: 30,
                },
                &Actor::system(),
            )
            .await?
            .token;
        assert_eq!(get(&download, &supervisor).await?.0, StatusCode::OK);
        let (s, e) = upload_pdf(&site, &supervisor, &number).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let log = store.audit_entries(0, 1000).await?;
        assert!(
            log.iter()
                .any(|e| e.action == "attachment.add" && e.outcome.starts_with("rejected"))
        );
        // The public gets a 401.
        let r = reqwest::get(&download).await?;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

/// A multipart form as a browser posts it.
fn form(boundary: &str, purpose: &str, filename: &str, content_type: &str, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn the_back_office_uploads_lists_and_downloads() -> Result<()> {
    for backend in Backend::all() {
        let (site, number) = with_request(backend).await?;
        let app = App::new(site.store.store.clone(), common::clock());
        app.create_user(
            &UserInput {
                login: "clerk".into(),
                role: "office".into(),
                agency: Some(common::AGENCY.into()),
                password: Some("correct horse battery".into()),
                ..Default::default()
            },
            &Actor::system(),
        )
        .await?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let login = http
            .post(format!("{}/admin/login", site.base))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("login", "clerk"),
                ("password", "correct horse battery"),
                ("code", ""),
            ])
            .send()
            .await?;
        let cookie = login
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .context("a session cookie")?
            .to_string();
        let page_url = format!("{}/admin/requests/{number}/attachments", site.base);
        let post = |body: Vec<u8>, site_header: &'static str| {
            http.post(&page_url)
                .header("cookie", &cookie)
                .header("sec-fetch-site", site_header)
                .header("content-type", "multipart/form-data; boundary=----gk")
                .body(body)
                .send()
        };
        let r = post(
            form(
                "----gk",
                "enclosure",
                "答复 附件.pdf",
                "application/pdf",
                PDF,
            ),
            "same-origin",
        )
        .await?;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}");
        // From the request page (the partial there says so): back to it, at the attachments.
        let back = format!("/admin/requests/{number}");
        let mut body = format!(
            "------gk\r\nContent-Disposition: form-data; name=\"return_to\"\r\n\r\n{back}\r\n"
        )
        .into_bytes();
        body.extend(form("----gk", "enclosure", "b.pdf", "application/pdf", PDF));
        let r = post(body, "same-origin").await?;
        assert_eq!(
            header(r.headers(), "location"),
            format!("{back}#attachments")
        );
        let r = http.get(&page_url).header("cookie", &cookie).send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await?;
        assert!(
            page.contains("答复 附件.pdf") && page.contains("答复附件"),
            "{page}"
        );
        assert!(page.contains("enctype=\"multipart/form-data\""));
        let href = page
            .split("href=\"/admin/requests/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .context("a download link")?;
        let r = http
            .get(format!("{}/admin/requests/{href}", site.base))
            .header("cookie", &cookie)
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(header(r.headers(), "content-disposition").starts_with("attachment;"));
        assert_eq!(header(r.headers(), "x-content-type-options"), "nosniff");
        assert_eq!(r.bytes().await?.as_ref(), PDF);

        // A wrong type: the page again, the error next to the file field, the purpose kept.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let r = post(
            form("----gk", "other", "x.pdf", "application/pdf", png),
            "same-origin",
        )
        .await?;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await?;
        assert!(
            page.contains("id=\"file-error\"") && page.contains("不符"),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"other\" selected>"),
            "the purpose kept"
        );
        // Too large: 413 and the rule in Chinese.
        let mut big = PDF.to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        let r = post(
            form("----gk", "application", "big.pdf", "application/pdf", &big),
            "same-origin",
        )
        .await?;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.text().await?.contains("20 MB"));
        // From another site: refused before anything is read.
        let r = post(
            form("----gk", "application", "a.pdf", "application/pdf", PDF),
            "cross-site",
        )
        .await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Without a session: the login page.
        let r = http.get(&page_url).send().await?;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let listed = app.attachments(&number, &Actor::system()).await?;
        assert_eq!(listed.items.len(), 2, "only the good uploads");
    }
    Ok(())
}
