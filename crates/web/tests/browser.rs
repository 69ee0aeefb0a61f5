//! The portal in a real headless Chromium (Debian's `chromium`, driven over WebDriver by
//! `chromedriver` and fantoccini), against the real app on a random port with a fresh database:
//! - the citizen's path: home → agency home → guide → apply with a wrong ID checksum → the
//!   Chinese error next to the field, the typed values kept → corrected → 申请编号 and 查询码
//!   shown → the 回执 PDF fetched and its text read with `pdftotext` → the tracking page shows
//!   the request;
//! - every public page at 1280 px and 375 px, normal and 长辈版: a full-page screenshot under
//!   `target/screenshots/` (the artefacts a reviewer looks at), and axe-core (WCAG 2.1 A and AA)
//!   run in the page; the test fails listing every violation.
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` and axe-core in
//! `crates/web/tests/browser/node_modules` (scripts/test.sh installs all three). Without them the
//! tests fail, saying what is missing, unless `GONGKAI_SKIP_BROWSER=1`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
mod common;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail, ensure};
use base64::Engine;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use serde_json::{Value, json};

const AGENCY: &str = "fuxin-zrzyj";
const AGENCY_NAME: &str = "阜新市自然资源局";
/// A citizen's ID number with a wrong check digit (the right one ends in `X`).
const WRONG_ID: &str = "110105194912310021";
const RIGHT_ID: &str = "11010519491231002X";
const DESCRIPTION: &str = "2020年某地块征收补偿方案";
/// The annual report published before the run, for the reports pages.
const REPORT_YEAR: i32 = 2024;
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long any one element may take to appear.
const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// The browser

fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

/// `Ok(true)` when the browser tests can run, `Ok(false)` when they are skipped on purpose
/// (`GONGKAI_SKIP_BROWSER=1`), an error naming what is missing otherwise.
fn browser_available() -> Result<bool> {
    let missing: Vec<String> = [
        (Path::new(CHROMIUM).to_path_buf(), "Debian package chromium"),
        (
            Path::new(CHROMEDRIVER).to_path_buf(),
            "Debian package chromium-driver",
        ),
        (axe_path(), "axe-core: `npm ci` in crates/web/tests/browser"),
    ]
    .into_iter()
    .filter(|(p, _)| !p.exists())
    .map(|(p, what)| format!("{} ({what})", p.display()))
    .collect();
    if missing.is_empty() {
        return Ok(true);
    }
    if std::env::var("GONGKAI_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!(
            "browser tests skipped (GONGKAI_SKIP_BROWSER=1); missing: {}",
            missing.join(", ")
        );
        return Ok(false);
    }
    bail!(
        "the browser tests need {}; scripts/test.sh installs them (or set GONGKAI_SKIP_BROWSER=1 to skip)",
        missing.join(", ")
    )
}

/// chromedriver as a child process on a port it picks itself; killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Result<Self> {
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER}"))?;
        let stdout = child.stdout.take().context("chromedriver's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        // "ChromeDriver was started successfully on port 37071."
        let port = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
                bail!("chromedriver exited before it said its port");
            };
            let line = line?;
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                break rest.trim_end_matches('.').trim().parse::<u16>()?;
            }
        };
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Ok(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session (the driver goes with it).
struct Browser {
    client: Client,
    _driver: Driver,
}

impl Browser {
    async fn start() -> Result<Self> {
        let driver = Driver::start()?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--lang=zh-CN", "--no-first-run",
                    "--disable-extensions", "--disable-background-networking",
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .context("a WebDriver session with headless Chromium")?;
        // axe-core on a long page, with the other browser tests and the build sharing two
        // cores, can take longer than WebDriver's 30 s default for a script.
        client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(180)),
                Some(Duration::from_secs(180)),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(Browser {
            client,
            _driver: driver,
        })
    }

    async fn close(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

/// A Chrome DevTools command through chromedriver (`POST /session/{id}/goog/cdp/execute`):
/// for the viewport widths and full-page screenshots, which WebDriver itself lacks.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(c: &Client, cmd: &'static str, params: Value) -> Result<Value> {
    Ok(c.issue_cmd(Cdp { cmd, params }).await?)
}

/// Lays the page out `width` CSS pixels wide (a phone below 600: the viewport meta applies).
async fn set_width(c: &Client, width: u32) -> Result<()> {
    cdp(
        c,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}),
    )
    .await?;
    Ok(())
}

/// The whole page (not only the viewport) as PNG.
async fn full_screenshot(c: &Client) -> Result<Vec<u8>> {
    let shot = cdp(
        c,
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true}),
    )
    .await?;
    let data = shot["data"].as_str().context("screenshot data")?;
    Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
}

fn screenshot_dir() -> Result<PathBuf> {
    // CARGO_MANIFEST_DIR is crates/web; the artefacts go to the workspace's target/.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One axe-core finding, as the failure message lists it.
#[derive(Debug)]
struct Violation {
    page: String,
    id: String,
    impact: String,
    help: String,
    targets: Vec<String>,
}

/// Injects axe-core into the current page and runs the WCAG 2.1 A/AA rules.
async fn axe(c: &Client, page: &str, axe_source: &str) -> Result<Vec<Violation>> {
    let loaded = c
        .execute(&format!("{axe_source}\n;return typeof window.axe;"), vec![])
        .await?;
    ensure!(
        loaded == json!("object"),
        "axe-core did not load on {page}: {loaded}"
    );
    let result = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact || '', help: v.help,
      targets: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' '))}))}))
  .catch(e => done({error: String(e)}));"#,
            vec![],
        )
        .await?;
    if let Some(e) = result.get("error") {
        bail!("axe-core failed on {page}: {e}");
    }
    let violations = result["violations"]
        .as_array()
        .context("axe-core's violations")?;
    Ok(violations
        .iter()
        .map(|v| Violation {
            page: page.to_string(),
            id: v["id"].as_str().unwrap_or_default().to_string(),
            impact: v["impact"].as_str().unwrap_or_default().to_string(),
            help: v["help"].as_str().unwrap_or_default().to_string(),
            targets: v["targets"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The app

struct TestApp {
    base: String,
    http: reqwest::Client,
    store: Arc<dyn gongkai_store::Store>,
    agency: gongkai_store::Agency,
    _store: TestStore,
}

/// The real app on port 0 with a fresh database holding the agency fuxin-zrzyj (as `gongkai
/// demo` names it) and a second one; today is Monday 2025-06-09.
async fn spawn_app(backend: Backend) -> Result<TestApp> {
    let ts = fresh(backend).await?;
    let store = ts.store.clone();
    let agency = gongkai_store::testing::agency(store.as_ref(), AGENCY, AGENCY_NAME).await?;
    gongkai_store::testing::agency(store.as_ref(), "fuxin-xzspj", "阜新市行政审批局").await?;
    let (base, _) = common::serve(
        store.clone(),
        common::clock(),
        gongkai_web::ServerLimits::without_rate_limits(),
    )
    .await?;
    Ok(TestApp {
        base,
        http: reqwest::Client::new(),
        store,
        agency,
        _store: ts,
    })
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Publishes the annual report of `year` the way an office does, through the JSON API:
    /// section 五 written, a version made, approved and published by the head of the office.
    async fn publish_report(&self, year: i32) -> Result<()> {
        let staff = self
            .store
            .create_token(
                "公开办",
                Role::Office,
                Some(self.agency.id),
                &Actor::system(),
            )
            .await?;
        let head = self
            .store
            .create_token("主任", Role::Head, Some(self.agency.id), &Actor::system())
            .await?;
        let report = self.url(&format!("/api/v1/staff/agencies/{AGENCY}/reports/{year}"));
        let r: Value = self
            .http
            .get(&report)
            .bearer_auth(&staff)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let sections = json!({
            "overview": r["sections"]["overview"],
            "problems": "公开形式还不够丰富。下步将完善制度建设。",
            "other": "无。",
        });
        let put = self
            .http
            .put(format!("{report}/sections"))
            .bearer_auth(&staff)
            .json(&sections)
            .send()
            .await?;
        ensure!(put.status().is_success(), "sections: {}", put.text().await?);
        let version: Value = self
            .http
            .post(format!("{report}/versions"))
            .bearer_auth(&staff)
            .json(&json!({}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = version["id"].as_i64().context("version id")?;
        for step in ["approve", "publish"] {
            let r = self
                .http
                .post(self.url(&format!("/api/v1/staff/report-versions/{id}/{step}")))
                .bearer_auth(&head)
                .json(&json!({}))
                .send()
                .await?;
            ensure!(r.status().is_success(), "{step}: {}", r.text().await?);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Pages and forms

async fn goto(c: &Client, url: &str) -> Result<()> {
    c.goto(url).await.with_context(|| format!("opening {url}"))
}

/// Waits for `css` to match, naming it when it does not.
async fn wait_for(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => Ok(e),
        Err(e) => {
            let body = c
                .find(Locator::Css("body"))
                .await
                .ok()
                .map(|b| async move { b.text().await.unwrap_or_default() });
            let text = match body {
                Some(f) => f.await,
                None => String::new(),
            };
            Err(anyhow!(
                "`{css}` did not appear on {url}: {e}\npage text:\n{}",
                text.chars().take(2000).collect::<String>()
            ))
        }
    }
}

/// Sets the field `name` of the form `form` as a person would: types into a text field (after
/// clearing it), picks an option of a select, clicks a radio button or checkbox. `None` keeps a
/// select's preselected option and picks the first radio button when none is checked.
async fn fill(c: &Client, form: &str, name: &str, value: Option<&str>) -> Result<()> {
    let fields = c
        .find_all(Locator::Css(&format!("{form} [name=\"{name}\"]")))
        .await?;
    let first = fields
        .first()
        .with_context(|| format!("no field named {name} in {form}"))?;
    let tag = first.tag_name().await?.to_lowercase();
    let kind = first.attr("type").await?.unwrap_or_default().to_lowercase();
    if tag == "select" {
        if let Some(v) = value {
            first
                .select_by_value(v)
                .await
                .with_context(|| format!("option {v} of {name}"))?;
        }
    } else if kind == "radio" || kind == "checkbox" {
        let mut chosen = None;
        for f in &fields {
            if value.is_none() && f.is_selected().await? {
                return Ok(());
            }
            if value.is_none() || f.attr("value").await?.as_deref() == value {
                chosen = Some(f);
                break;
            }
        }
        let f = chosen.with_context(|| format!("no choice {value:?} for {name}"))?;
        f.click().await?;
    } else if kind == "hidden" {
        bail!("{name} is a hidden field");
    } else {
        first.clear().await?;
        if let Some(v) = value {
            first.send_keys(v).await?;
        }
    }
    Ok(())
}

/// The value a field holds now (what the page sent back).
async fn value_of(c: &Client, form: &str, name: &str) -> Result<String> {
    let f = c
        .find(Locator::Css(&format!("{form} [name=\"{name}\"]")))
        .await
        .with_context(|| format!("field {name}"))?;
    Ok(f.prop("value").await?.unwrap_or_default())
}

/// Clicks the form's submit button whose text contains `label` (any submit button if empty)
/// and waits for the next page: the page posting marks its own `<html>`, and the wait ends on a
/// document without the mark (a click need not wait for the navigation a POST and its redirect
/// make, and an element found before it would go stale).
async fn submit(c: &Client, form: &str, label: &str) -> Result<()> {
    click_submit(c, form, label).await?;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("html:not([data-left]) main"))
        .await
        .with_context(|| format!("the page after submitting {form}"))?;
    Ok(())
}

/// Marks the page as left, then clicks the submit button of [`submit`].
async fn click_submit(c: &Client, form: &str, label: &str) -> Result<()> {
    c.execute(
        "document.documentElement.setAttribute('data-left', '1');",
        vec![],
    )
    .await?;
    let buttons = c
        .find_all(Locator::Css(&format!(
            "{form} button, {form} input[type=submit]"
        )))
        .await?;
    for b in buttons {
        let text = match b.tag_name().await?.to_lowercase().as_str() {
            "input" => b.attr("value").await?.unwrap_or_default(),
            _ => b.text().await?,
        };
        if text.contains(label) {
            b.click().await?;
            return Ok(());
        }
    }
    bail!("no button {label:?} in {form}")
}

fn apply_form() -> String {
    format!("form[action=\"/{AGENCY}/apply\"]")
}

/// Fills the apply form as 李四 does (a natural person asking by e-mail) with `id_number`.
async fn fill_application(c: &Client, id_number: &str) -> Result<()> {
    fill_applicant(c, &apply_form(), id_number).await
}

/// Fills 李四's request, with the right ID number, in another form with the same fields (staff
/// registration).
async fn fill_application_in(c: &Client, form: &str) -> Result<()> {
    fill_applicant(c, form, RIGHT_ID).await
}

/// Fills 李四's request into the request fields of `form`.
async fn fill_applicant(c: &Client, form: &str, id_number: &str) -> Result<()> {
    fill(c, form, "applicant_kind", Some("natural_person")).await?;
    fill(c, form, "applicant_name", Some("李四")).await?;
    fill(c, form, "applicant_id_type", None).await?;
    fill(c, form, "applicant_id_number", Some(id_number)).await?;
    fill(c, form, "applicant_phone", Some("13800138000")).await?;
    fill(c, form, "applicant_email", Some("lisi@example.cn")).await?;
    fill(
        c,
        form,
        "applicant_address",
        Some("辽宁省阜新市细河区中华路1号"),
    )
    .await?;
    fill(c, form, "description", Some(DESCRIPTION)).await?;
    fill(c, form, "medium", Some("electronic")).await?;
    fill(c, form, "delivery", Some("email")).await?;
    Ok(())
}

/// Files a request through the apply page; the number and 查询码 the confirmation shows.
async fn apply_in_browser(c: &Client, app: &TestApp) -> Result<(String, String)> {
    goto(c, &app.url(&format!("/{AGENCY}/apply"))).await?;
    wait_for(c, &apply_form()).await?;
    fill_application(c, RIGHT_ID).await?;
    submit(c, &apply_form(), "提交申请").await?;
    let number = wait_for(c, "#request-number").await?.text().await?;
    let code = wait_for(c, "#query-code").await?.text().await?;
    Ok((number.trim().to_string(), code.trim().to_string()))
}

fn track_form() -> String {
    format!("form[action=\"/{AGENCY}/track\"]")
}

/// Looks the request up on the tracking page; the result page's main text.
async fn track_in_browser(c: &Client, app: &TestApp, number: &str, code: &str) -> Result<String> {
    goto(c, &app.url(&format!("/{AGENCY}/track"))).await?;
    wait_for(c, &track_form()).await?;
    fill(c, &track_form(), "number", Some(number)).await?;
    fill(c, &track_form(), "query_code", Some(code)).await?;
    submit(c, &track_form(), "").await?;
    let main = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//main[contains(normalize-space(.), '{number}')]"
        )))
        .await
        .context("the tracking result naming the request")?;
    Ok(main.text().await?)
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

// ---------------------------------------------------------------------------------------------
// The tests

/// The citizen's path, in the browser, on every backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_gets_a_receipt_and_tracks_the_request() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;
        let browser = Browser::start().await?;
        let outcome = citizen_path(&browser.client, &app)
            .await
            .with_context(|| format!("on {backend:?}"));
        browser.close().await?;
        outcome?;
    }
    Ok(())
}

async fn citizen_path(c: &Client, app: &TestApp) -> Result<()> {
    // The deployment's home lists the agency; its link opens the agency's disclosure home.
    goto(c, &app.url("/")).await?;
    let link = wait_for(c, &format!("main a[href=\"/{AGENCY}/\"]")).await?;
    ensure!(
        link.text().await?.contains(AGENCY_NAME),
        "the home page's link to the agency names it"
    );
    link.click().await?;

    // The agency's home leads to the guide, which holds the flow chart as inline SVG.
    let guide = wait_for(c, &format!("main a[href=\"/{AGENCY}/guide\"]")).await?;
    ensure!(
        c.find(Locator::Css("h1"))
            .await?
            .text()
            .await?
            .contains(AGENCY_NAME)
            || c.title().await?.contains(AGENCY_NAME),
        "the agency home names the agency"
    );
    guide.click().await?;
    wait_for(c, "main svg").await?;
    let guide_text = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(
        guide_text.contains("公开指南"),
        "the guide is titled 公开指南: {guide_text}"
    );

    // The apply form, filled with a wrong check digit in the ID number.
    c.find(Locator::Css(&format!("a[href=\"/{AGENCY}/apply\"]")))
        .await?
        .click()
        .await?;
    let form = apply_form();
    wait_for(c, &form).await?;
    fill_application(c, WRONG_ID).await?;
    submit(c, &form, "提交申请").await?;

    // The error stands next to the field, in Chinese, tied to it for screen readers, and what
    // was typed is still there.
    let field = wait_for(c, "#field-applicant_id_number.has-error").await?;
    let error = field
        .find(Locator::Css("#applicant_id_number-error"))
        .await
        .context("the ID number's error inside its field")?
        .text()
        .await?;
    ensure!(
        has_cjk(&error) && error.contains("身份证"),
        "the error names the ID card in Chinese: {error:?}"
    );
    let input = c
        .find(Locator::Css(&format!(
            "{form} [name=\"applicant_id_number\"]"
        )))
        .await?;
    let described = input.attr("aria-describedby").await?.unwrap_or_default();
    ensure!(
        described
            .split_whitespace()
            .any(|d| d == "applicant_id_number-error"),
        "the ID number field is described by its error (aria-describedby={described:?})"
    );
    ensure!(
        input.attr("aria-invalid").await?.as_deref() == Some("true"),
        "the ID number field is marked aria-invalid"
    );
    for (name, typed) in [
        ("applicant_name", "李四"),
        ("applicant_phone", "13800138000"),
        ("applicant_email", "lisi@example.cn"),
        ("description", DESCRIPTION),
    ] {
        let kept = value_of(c, &form, name).await?;
        ensure!(kept == typed, "{name} kept after the error: {kept:?}");
    }
    ensure!(
        c.find_all(Locator::Css(".has-error")).await?.len() == 1,
        "only the ID number is in error"
    );

    // Corrected, the request is filed: number and 查询码 shown once.
    fill(c, &form, "applicant_id_number", Some(RIGHT_ID)).await?;
    submit(c, &form, "提交申请").await?;
    let number = wait_for(c, "#request-number").await?.text().await?;
    let code = wait_for(c, "#query-code").await?.text().await?;
    let (number, code) = (number.trim().to_string(), code.trim().to_string());
    ensure!(
        !number.is_empty() && code.len() >= 6,
        "number {number:?}, code {code:?}"
    );
    let page = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(
        page.contains("申请编号") && page.contains("查询码"),
        "the confirmation labels them: {page}"
    );
    ensure!(
        !c.source().await?.contains(RIGHT_ID),
        "the confirmation does not show the full ID number"
    );

    // The 回执: the confirmation's form, posted as the browser would (same origin).
    let receipt_form = wait_for(c, "#receipt-form").await?;
    let action = receipt_form.attr("action").await?.unwrap_or_default();
    ensure!(
        action == format!("/{AGENCY}/receipt"),
        "the receipt form posts to /{AGENCY}/receipt: {action}"
    );
    let mut fields = Vec::new();
    for hidden in receipt_form
        .find_all(Locator::Css("input[type=hidden]"))
        .await?
    {
        let name = hidden.attr("name").await?.unwrap_or_default();
        let value = hidden.prop("value").await?.unwrap_or_default();
        fields.push((name, value));
    }
    ensure!(
        fields.iter().any(|(n, v)| n == "number" && *v == number)
            && fields.iter().any(|(n, v)| n == "query_code" && *v == code),
        "the receipt form carries the number and the code: {fields:?}"
    );
    let r = app
        .http
        .post(app.url(&action))
        .header("Origin", &app.base)
        .header("Sec-Fetch-Site", "same-origin")
        .form(&fields)
        .send()
        .await?;
    ensure!(r.status().is_success(), "receipt: {}", r.status());
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(kind.starts_with("application/pdf"), "receipt type {kind}");
    let text = common::pdftotext(&r.bytes().await?)?;
    let flat: String = text.split_whitespace().collect();
    ensure!(
        flat.contains(&number),
        "the receipt names the request: {text}"
    );
    ensure!(
        flat.contains("2025年6月9日")
            || flat.contains("2025-06-09")
            || flat.contains("2025年06月09日"),
        "the receipt is dated (received 2025-06-09): {text}"
    );
    ensure!(
        flat.contains("征收补偿"),
        "the receipt carries the request's digest: {text}"
    );
    ensure!(
        !flat.contains(RIGHT_ID),
        "the receipt does not print the full ID number"
    );

    // The tracking page finds it with the number and the code.
    let tracked = track_in_browser(c, app, &number, &code).await?;
    ensure!(
        tracked.contains("办理中") || tracked.contains("已受理") || tracked.contains("已收到"),
        "the tracking page shows the request's status: {tracked}"
    );
    ensure!(
        !tracked.contains("页面不存在"),
        "the request was found: {tracked}"
    );
    Ok(())
}

/// Every public page at 1280 px and 375 px, normal and 长辈版: screenshots under
/// target/screenshots/, and no WCAG 2.1 A/AA violation by axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_passes_axe_at_both_widths_in_both_modes() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    let axe_source = std::fs::read_to_string(axe_path())?;
    let app = spawn_app(Backend::Sqlite).await?;
    app.publish_report(REPORT_YEAR).await?;
    let browser = Browser::start().await?;
    let outcome = all_pages(&browser.client, &app, &axe_source).await;
    browser.close().await?;
    no_violations(&outcome?)
}

/// Fails listing every violation found, if any.
fn no_violations(violations: &[Violation]) -> Result<()> {
    if violations.is_empty() {
        return Ok(());
    }
    let mut report = format!("{} axe-core violations:\n", violations.len());
    for v in violations {
        report.push_str(&format!(
            "- {} [{}] {} ({}):\n",
            v.page, v.impact, v.id, v.help
        ));
        for t in &v.targets {
            report.push_str(&format!("    {t}\n"));
        }
    }
    bail!(report)
}

/// The pages, each reached as a person reaches it (forms submitted in the browser).
const PAGES: [&str; 11] = [
    "home",
    "agency-home",
    "guide",
    "apply",
    "apply-errors",
    "confirmation",
    "track",
    "track-result",
    "reports",
    "report-year",
    "not-found",
];

async fn open_page(c: &Client, app: &TestApp, page: &str) -> Result<()> {
    match page {
        "home" => goto(c, &app.url("/")).await?,
        "agency-home" => goto(c, &app.url(&format!("/{AGENCY}/"))).await?,
        "guide" => goto(c, &app.url(&format!("/{AGENCY}/guide"))).await?,
        "apply" => goto(c, &app.url(&format!("/{AGENCY}/apply"))).await?,
        "apply-errors" => {
            goto(c, &app.url(&format!("/{AGENCY}/apply"))).await?;
            wait_for(c, &apply_form()).await?;
            fill(c, &apply_form(), "applicant_kind", Some("natural_person")).await?;
            fill(c, &apply_form(), "applicant_id_number", Some(WRONG_ID)).await?;
            fill(c, &apply_form(), "applicant_phone", Some("12345")).await?;
            submit(c, &apply_form(), "提交申请").await?;
            wait_for(c, ".has-error").await?;
        }
        "confirmation" => {
            apply_in_browser(c, app).await?;
        }
        "track" => goto(c, &app.url(&format!("/{AGENCY}/track"))).await?,
        "track-result" => {
            let (number, code) = apply_in_browser(c, app).await?;
            track_in_browser(c, app, &number, &code).await?;
        }
        "reports" => goto(c, &app.url(&format!("/{AGENCY}/reports"))).await?,
        "report-year" => goto(c, &app.url(&format!("/{AGENCY}/reports/{REPORT_YEAR}"))).await?,
        "not-found" => goto(c, &app.url("/no-such-agency/nothing-here")).await?,
        other => bail!("unknown page {other}"),
    }
    wait_for(c, "main").await?;
    let heading = c.find(Locator::Css("h1")).await?.text().await?;
    ensure!(
        (page == "not-found") == (heading == "页面不存在"),
        "{page} shows the heading {heading:?}"
    );
    Ok(())
}

async fn all_pages(c: &Client, app: &TestApp, axe_source: &str) -> Result<Vec<Violation>> {
    let dir = screenshot_dir()?;
    let mut violations = Vec::new();
    for (mode, elder) in [("normal", "0"), ("elder", "1")] {
        // The switch in the header, as a reader uses it: a link that sets a cookie.
        goto(c, &app.url(&format!("/mode?elder={elder}&next=/"))).await?;
        for page in PAGES {
            for width in [1280, 375] {
                set_width(c, width).await?;
                // A page that cannot be reached is one more failure in the list, not the end.
                if let Err(e) = open_page(c, app, page).await {
                    violations.push(Violation {
                        page: format!("{page} ({mode}, {width} px)"),
                        id: "page-not-reached".into(),
                        impact: "critical".into(),
                        help: format!("{e:#}").chars().take(600).collect(),
                        targets: Vec::new(),
                    });
                    continue;
                }
                let class = c
                    .find(Locator::Css("html"))
                    .await?
                    .attr("class")
                    .await?
                    .unwrap_or_default();
                if class.split_whitespace().any(|k| k == "elder") != (elder == "1") {
                    violations.push(Violation {
                        page: format!("{page} ({mode}, {width} px)"),
                        id: "display-mode-not-kept".into(),
                        impact: "serious".into(),
                        help: format!("the page ignores the 长辈版 cookie (html class={class:?})"),
                        targets: vec!["html".into()],
                    });
                }
                let png = full_screenshot(c).await?;
                std::fs::write(dir.join(format!("{page}-{width}-{mode}.png")), png)?;
                // Nothing may stick out sideways on a phone.
                let overflow = c
                    .execute(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                        vec![],
                    )
                    .await?;
                if overflow.as_i64().unwrap_or(0) > 0 {
                    violations.push(Violation {
                        page: format!("{page} ({mode}, {width} px)"),
                        id: "horizontal-overflow".into(),
                        impact: "serious".into(),
                        help: format!(
                            "the page is {} px wider than the viewport (WCAG 1.4.10 Reflow)",
                            overflow
                        ),
                        targets: Vec::new(),
                    });
                }
                violations
                    .extend(axe(c, &format!("{page} ({mode}, {width} px)"), axe_source).await?);
            }
        }
    }
    Ok(violations)
}

// ---------------------------------------------------------------------------------------------
// The back office: the whole path of issue 10

const PASSWORD: &str = "correct horse battery";

/// The accounts of the whole path, made as `gongkai user add` makes them: the 公开办's clerk
/// (`clerk`), a second member of the office who handles the consultation (`jingban`) and the
/// office's head (`head`, who must enrol TOTP at the first login).
async fn staff_accounts(app: &TestApp) -> Result<()> {
    let accounts = gongkai_app::App::new(app.store.clone(), common::clock());
    for (login, name, role) in [
        ("clerk", "王经办", "office"),
        ("jingban", "赵承办", "office"),
        ("head", "李主任", "head"),
    ] {
        common::add_user(&accounts, AGENCY, (login, Some(name), role, None), PASSWORD).await?;
    }
    Ok(())
}

/// Logs `login` in through the login page (and, for an account that must have a second
/// factor, the enrolment page, with the code totp-rs computes from the secret it shows).
async fn staff_login(c: &Client, app: &TestApp, login: &str) -> Result<()> {
    c.delete_all_cookies().await?;
    goto(c, &app.url("/admin/login")).await?;
    let form = "#login-form";
    wait_for(c, form).await?;
    fill(c, form, "login", Some(login)).await?;
    fill(c, form, "password", Some(PASSWORD)).await?;
    submit(c, form, "登录").await?;
    let landed = wait_for(c, "#who, #totp-secret").await?;
    if landed.attr("id").await?.as_deref() == Some("totp-secret") {
        let secret = landed.text().await?;
        // The server's clock: today fixed, at 09:00 China time (`Clock::now`).
        let now = u64::try_from(gongkai_web::Clock::now(common::clock().as_ref()).timestamp())?;
        let code = gongkai_app::accounts::totp_code(secret.trim(), login, now)?;
        fill(c, "#totp-form", "code", Some(&code)).await?;
        submit(c, "#totp-form", "确认绑定").await?;
    }
    wait_for(c, "#who")
        .await
        .context("the back office's start page")?;
    Ok(())
}

/// Sets a date field of `form` (an `<input type="date">`, whose typing depends on the
/// browser's locale) to `value` (YYYY-MM-DD), as a date picker would.
async fn set_date(c: &Client, form: &str, name: &str, value: &str) -> Result<()> {
    let css = format!("{form} [name=\"{name}\"]");
    let set = c
        .execute(
            "const f = document.querySelector(arguments[0]); if (!f || f.type !== 'date') return false; f.value = arguments[1]; return f.value === arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await?;
    ensure!(set == json!(true), "the date field {css} took {value}");
    Ok(())
}

/// The request page of `number`, opened.
async fn request_page(c: &Client, app: &TestApp, number: &str) -> Result<()> {
    goto(c, &app.url(&format!("/admin/requests/{number}"))).await?;
    wait_for(c, "#timeline").await?;
    Ok(())
}

/// Records the step whose form is `#step-{slug}` with `fields`, then checks the page came
/// back to the timeline showing `shows`.
async fn record_step(c: &Client, slug: &str, fields: &[(&str, &str)], shows: &str) -> Result<()> {
    let form = format!("#step-{slug}");
    wait_for(c, &form).await?;
    for (name, value) in fields {
        if name.ends_with("_by") || *name == "on" {
            set_date(c, &form, name, value).await?;
        } else {
            fill(c, &form, name, Some(value)).await?;
        }
    }
    submit(c, &form, "").await?;
    let timeline = wait_for(c, "#timeline").await?.text().await?;
    ensure!(
        timeline.contains(shows),
        "after {slug} the timeline shows {shows:?}: {timeline}"
    );
    ensure!(
        c.find_all(Locator::Css(".has-error")).await?.is_empty(),
        "{slug} was accepted"
    );
    Ok(())
}

/// Screenshots of the admin page shown now, at 1280 px in both modes, and axe-core on each;
/// the violations found. The mode is switched with the header's link, as a reader does.
async fn check_admin_page(
    c: &Client,
    name: &str,
    axe_source: &str,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let dir = screenshot_dir()?;
    for mode in ["normal", "elder"] {
        if mode == "elder" {
            switch_mode(c, "html.elder").await?;
        }
        wait_for(c, "main").await?;
        std::fs::write(
            dir.join(format!("admin-{name}-1280-{mode}.png")),
            full_screenshot(c).await?,
        )?;
        violations.extend(axe(c, &format!("admin {name} ({mode})"), axe_source).await?);
    }
    // Back to the normal mode for what follows.
    switch_mode(c, "html:not(.elder)").await
}

/// Follows the header's 长辈版/标准版 link, as a reader does, and waits for `then`.
async fn switch_mode(c: &Client, then: &str) -> Result<()> {
    let switch = c
        .find(Locator::Css("nav.tools a"))
        .await?
        .attr("href")
        .await?
        .context("the mode switch")?;
    c.goto(c.current_url().await?.join(&switch)?.as_ref())
        .await?;
    wait_for(c, then).await?;
    Ok(())
}

/// The letter the tracking page (shown now) offers under `title`, downloaded as PDF the way
/// its form posts it; its text.
async fn download_letter(c: &Client, app: &TestApp, title: &str) -> Result<String> {
    let items = c.find_all(Locator::Css("#letters li")).await?;
    for li in items {
        if !li.text().await?.contains(title) {
            continue;
        }
        let form = li.find(Locator::Css("form")).await?;
        let action = form.attr("action").await?.unwrap_or_default();
        let mut fields = vec![("format".to_string(), "pdf".to_string())];
        for hidden in form.find_all(Locator::Css("input[type=hidden]")).await? {
            let name = hidden.attr("name").await?.unwrap_or_default();
            let value = hidden.prop("value").await?.unwrap_or_default();
            fields.push((name, value));
        }
        let r = app
            .http
            .post(app.url(&action))
            .header("Sec-Fetch-Site", "same-origin")
            .form(&fields)
            .send()
            .await?;
        ensure!(r.status().is_success(), "{title}: {}", r.status());
        return common::pdftotext(&r.bytes().await?);
    }
    bail!("the tracking page offers no {title}")
}

/// Issue 10's "done when", in the browser, on every backend: the citizen files on the portal;
/// the clerk logs in and asks for 补正; the tracking page shows it and offers the 补正告知书;
/// the clerk records the correction; a second member of the office sends a third-party
/// consultation and records the answer; the head (TOTP) approves an extension; the clerk
/// answers 部分公开; the citizen downloads the answer letter, whose text has the 申请编号, the
/// outcome's article and the remedy clause. Each admin page is screenshotted and checked by
/// axe-core in both modes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_path_through_the_back_office() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    let axe_source = std::fs::read_to_string(axe_path())?;
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;
        staff_accounts(&app).await?;
        let browser = Browser::start().await?;
        let mut violations = Vec::new();
        let outcome = back_office_path(&browser.client, &app, &axe_source, &mut violations)
            .await
            .with_context(|| format!("on {backend:?}"));
        browser.close().await?;
        outcome?;
        no_violations(&violations)?;
    }
    Ok(())
}

async fn back_office_path(
    c: &Client,
    app: &TestApp,
    axe_source: &str,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let (number, code) = apply_in_browser(c, app).await?;

    // The clerk opens the request: masked applicant, the steps the ledger allows.
    staff_login(c, app, "clerk").await?;
    check_admin_page(c, "home", axe_source, violations).await?;
    request_page(c, app, &number).await?;
    let main = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(
        main.contains("110105********002X") && !main.contains(RIGHT_ID),
        "the applicant is masked: {main}"
    );
    check_admin_page(c, "request", axe_source, violations).await?;

    // Unmasking: the reason written, the clear data in this answer only.
    fill(
        c,
        "#unmask-form",
        "reason",
        Some("电话联系申请人确认所需地块"),
    )
    .await?;
    submit(c, "#unmask-form", "查看完整个人信息").await?;
    let clear = wait_for(c, "#clear-id-number").await?.text().await?;
    ensure!(clear.trim() == RIGHT_ID, "the clear ID number: {clear}");
    std::fs::write(
        screenshot_dir()?.join("admin-request-unmasked-1280-normal.png"),
        full_screenshot(c).await?,
    )?;
    violations.extend(axe(c, "admin request unmasked (normal)", axe_source).await?);
    request_page(c, app, &number).await?;
    ensure!(
        !c.source().await?.contains(RIGHT_ID),
        "the page read again is masked"
    );

    // A 补正 notice without its items: the error next to the field, the date kept.
    let form = "#step-correction_requested";
    set_date(c, form, "correct_by", "2025-06-20").await?;
    submit(c, form, "").await?;
    let error = wait_for(c, "#correction_requested-items-error")
        .await?
        .text()
        .await?;
    ensure!(error.contains("补正"), "the error in Chinese: {error}");
    ensure!(
        value_of(c, form, "correct_by").await? == "2025-06-20",
        "the date typed is kept"
    );
    std::fs::write(
        screenshot_dir()?.join("admin-request-errors-1280-normal.png"),
        full_screenshot(c).await?,
    )?;
    violations.extend(axe(c, "admin request errors (normal)", axe_source).await?);
    record_step(
        c,
        "correction_requested",
        &[
            ("items", "请写明所需地块的具体位置（乡镇、村组）"),
            ("correct_by", "2025-06-20"),
        ],
        "补正告知",
    )
    .await?;
    let letters = c.find(Locator::Css("#letters")).await?.text().await?;
    ensure!(
        letters.contains("补正告知书"),
        "the letter is listed: {letters}"
    );

    // The citizen's tracking page shows it and offers the 补正告知书.
    c.delete_all_cookies().await?;
    let tracked = track_in_browser(c, app, &number, &code).await?;
    ensure!(tracked.contains("待补正"), "the tracking page: {tracked}");
    let notice = download_letter(c, app, "补正告知书").await?;
    let flat: String = notice.split_whitespace().collect();
    ensure!(
        flat.contains(&number) && flat.contains("乡镇"),
        "the notice: {notice}"
    );

    // The clerk records the correction.
    staff_login(c, app, "clerk").await?;
    request_page(c, app, &number).await?;
    record_step(c, "corrected", &[], "申请人已补正").await?;

    // A second member of the office consults a third party and records the answer.
    staff_login(c, app, "jingban").await?;
    request_page(c, app, &number).await?;
    record_step(
        c,
        "consultation_started",
        &[
            ("party", "third_party"),
            ("with", "阜新市某房地产开发有限公司"),
        ],
        "征求第三方意见",
    )
    .await?;
    check_admin_page(c, "request-consulting", axe_source, violations).await?;
    record_step(c, "consultation_answered", &[], "征求意见答复").await?;

    // The head approves an extension (the clerk saw the form disabled with the reason).
    staff_login(c, app, "head").await?;
    request_page(c, app, &number).await?;
    record_step(
        c,
        "extended",
        &[
            ("days", "20"),
            ("reason", "需要调取历史档案并会同相关科室核实"),
        ],
        "批准人：李主任",
    )
    .await?;

    // The clerk answers 部分公开.
    staff_login(c, app, "clerk").await?;
    request_page(c, app, &number).await?;
    record_step(
        c,
        "answered",
        &[("outcome", "partially_disclosed")],
        "部分公开",
    )
    .await?;
    check_admin_page(c, "request-answered", axe_source, violations).await?;

    // The citizen downloads the answer letter.
    c.delete_all_cookies().await?;
    let tracked = track_in_browser(c, app, &number, &code).await?;
    ensure!(tracked.contains("已答复"), "the tracking page: {tracked}");
    let answer = download_letter(c, app, "部分公开告知书").await?;
    let flat: String = answer.split_whitespace().collect();
    ensure!(
        flat.contains(&number),
        "the answer names the request: {answer}"
    );
    ensure!(
        flat.contains("第三十七条"),
        "the outcome's article: {answer}"
    );
    ensure!(
        flat.contains("60日内") && flat.contains("申请行政复议") && flat.contains("6个月内"),
        "the remedy clause: {answer}"
    );
    Ok(())
}

/// The back office's inbox and registration (issue 10) at 1280 px and 375 px: an office clerk
/// signs in in the browser, sees the inbox (with a request due soon), filters it, registers an
/// offline request with a mistake (the Chinese error next to the field) and then rightly (the
/// confirmation that prints as the 回执); screenshots under target/screenshots/ and no WCAG 2.1
/// A/AA violation by axe-core on any of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_and_the_registration_pass_axe() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    let axe_source = std::fs::read_to_string(axe_path())?;
    let app = spawn_app(Backend::Sqlite).await?;
    let office = gongkai_app::App::new(app.store.clone(), common::clock());
    common::user(&office, "clerk", "office", Some(AGENCY), None, &[]).await?;
    let browser = Browser::start().await?;
    let outcome = back_office_pages(&browser.client, &app, &axe_source).await;
    browser.close().await?;
    let violations = outcome?;
    ensure!(
        violations.is_empty(),
        "axe-core violations:\n{}",
        violations
            .iter()
            .map(|v| format!(
                "- {} [{}] {} ({}): {:?}",
                v.page, v.impact, v.id, v.help, v.targets
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    Ok(())
}

async fn back_office_pages(c: &Client, app: &TestApp, axe_source: &str) -> Result<Vec<Violation>> {
    let dir = screenshot_dir()?;
    goto(c, &app.url("/admin/login")).await?;
    fill(c, "#login-form", "login", Some("clerk")).await?;
    fill(c, "#login-form", "password", Some(common::PASSWORD)).await?;
    submit(c, "#login-form", "登录").await?;
    wait_for(c, "#counts").await?;
    // A request filed on the portal, in the inbox.
    apply_in_browser(c, app).await?;
    let register = "form[action=\"/admin/register\"]";
    let mut violations = Vec::new();
    for width in [1280, 375] {
        set_width(c, width).await?;
        for page in [
            "inbox",
            "inbox-filtered",
            "register",
            "register-errors",
            "registered",
        ] {
            match page {
                "inbox" => {
                    goto(c, &app.url("/admin/")).await?;
                    wait_for(c, "#inbox tbody tr").await?;
                }
                "inbox-filtered" => {
                    goto(c, &app.url("/admin/?urgency=overdue&q=%E6%9D%8E%E5%9B%9B")).await?;
                    wait_for(c, "#empty").await?;
                }
                "register" => {
                    goto(c, &app.url("/admin/register")).await?;
                    wait_for(c, register).await?;
                }
                "register-errors" => {
                    goto(c, &app.url("/admin/register")).await?;
                    wait_for(c, register).await?;
                    fill(c, register, "channel", Some("post_signed")).await?;
                    submit(c, register, "登记申请").await?;
                    wait_for(c, "#confirmed_on-error").await?;
                }
                _ => {
                    goto(c, &app.url("/admin/register")).await?;
                    wait_for(c, register).await?;
                    fill(c, register, "channel", Some("in_person")).await?;
                    fill_application_in(c, register).await?;
                    submit(c, register, "登记申请").await?;
                    wait_for(c, "#query-code").await?;
                }
            }
            let png = full_screenshot(c).await?;
            std::fs::write(dir.join(format!("admin-{page}-{width}.png")), png)?;
            violations.extend(axe(c, &format!("admin {page} ({width} px)"), axe_source).await?);
        }
    }
    Ok(violations)
}

/// The back office's attachments page (issue 10): a clerk logs in, uploads a PDF with the form
/// (a file chosen as a person chooses it), sees it listed, then submits the form without a file
/// and gets the error next to the field — screenshots of both, and no WCAG 2.1 A/AA violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attachments_page_uploads_and_passes_axe() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    let axe_source = std::fs::read_to_string(axe_path())?;
    let app = spawn_app(Backend::Sqlite).await?;
    let staff = app
        .store
        .create_token(
            "公开办",
            Role::Office,
            Some(app.agency.id),
            &Actor::system(),
        )
        .await?;
    let number = common::register_request(&app.base, &staff).await?;
    let clerk = gongkai_app::App::new(app.store.clone(), common::clock());
    clerk
        .create_user(
            &gongkai_app::UserInput {
                login: "clerk".into(),
                role: "office".into(),
                agency: Some(AGENCY.into()),
                password: Some("correct horse battery".into()),
                ..Default::default()
            },
            &Actor::system(),
        )
        .await?;
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("申请人身份证明.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    )?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    let outcome = async {
        goto(c, &app.url("/admin/login")).await?;
        fill(c, "#login-form", "login", Some("clerk")).await?;
        fill(c, "#login-form", "password", Some("correct horse battery")).await?;
        submit(c, "#login-form", "登录").await?;
        wait_for(c, "#who").await?;
        goto(
            c,
            &app.url(&format!("/admin/requests/{number}/attachments")),
        )
        .await?;
        wait_for(c, "#attachment-form").await?;
        c.find(Locator::Css("#file"))
            .await?
            .send_keys(&pdf.display().to_string())
            .await?;
        submit(c, "#attachment-form", "上传").await?;
        let list = wait_for(c, "#attachments-list").await?;
        ensure!(
            list.text().await?.contains("申请人身份证明.pdf"),
            "the file is listed"
        );
        let screenshots = screenshot_dir()?;
        let mut violations = axe(c, "attachments", &axe_source).await?;
        std::fs::write(
            screenshots.join("admin-attachments-1280.png"),
            full_screenshot(c).await?,
        )?;
        submit(c, "#attachment-form", "上传").await?;
        wait_for(c, "#file-error").await?;
        violations.extend(axe(c, "attachments-error", &axe_source).await?);
        std::fs::write(
            screenshots.join("admin-attachments-error-1280.png"),
            full_screenshot(c).await?,
        )?;
        Ok::<_, anyhow::Error>(violations)
    }
    .await;
    browser.close().await?;
    let violations = outcome?;
    ensure!(
        violations.is_empty(),
        "axe-core violations: {violations:#?}"
    );
    Ok(())
}

/// The reflow failure (WCAG 1.4.10) of the current page, if it sticks out sideways.
async fn overflow(c: &Client, page: String) -> Result<Option<Violation>> {
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await?;
    Ok((overflow.as_i64().unwrap_or(0) > 0).then(|| Violation {
        page,
        id: "horizontal-overflow".into(),
        impact: "serious".into(),
        help: format!("the page is {overflow} px wider than the viewport (WCAG 1.4.10 Reflow)"),
        targets: Vec::new(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The back office: the annual report editor

/// The head of fuxin-zrzyj's office logs in in the browser (password, then the TOTP second
/// factor enrolled with a code made from the secret the page shows, as an authenticator would),
/// then the report pages — the list, the editor of a published year, a drill-down, the editor
/// after a refused save — at 1280 px and 375 px in both modes: screenshots and axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_editor_passes_axe_in_both_modes() -> Result<()> {
    if !browser_available()? {
        return Ok(());
    }
    let axe_source = std::fs::read_to_string(axe_path())?;
    let app = spawn_app(Backend::Sqlite).await?;
    app.publish_report(REPORT_YEAR).await?;
    let password = "correct horse battery";
    gongkai_app::App::new(app.store.clone(), common::clock())
        .create_user(
            &gongkai_app::UserInput {
                login: "head".into(),
                name: Some("王主任".into()),
                role: "head".into(),
                agency: Some(AGENCY.into()),
                password: Some(password.into()),
                ..Default::default()
            },
            &Actor::system(),
        )
        .await?;
    let browser = Browser::start().await?;
    let outcome = report_pages(&browser.client, &app, password, &axe_source).await;
    browser.close().await?;
    no_violations(&outcome?)
}

async fn report_pages(
    c: &Client,
    app: &TestApp,
    password: &str,
    axe_source: &str,
) -> Result<Vec<Violation>> {
    goto(c, &app.url("/admin/login")).await?;
    let login = "form#login-form";
    wait_for(c, login).await?;
    fill(c, login, "login", Some("head")).await?;
    fill(c, login, "password", Some(password)).await?;
    submit(c, login, "登录").await?;
    let secret = wait_for(c, "#totp-secret").await?.text().await?;
    let now = u64::try_from(gongkai_domain::clock::Clock::now(&*common::clock()).timestamp())?;
    let code = gongkai_app::accounts::totp_code(secret.trim(), "head", now)?;
    fill(c, "form#totp-form", "code", Some(&code)).await?;
    submit(c, "form#totp-form", "").await?;
    wait_for(c, "#who").await?;

    let year = REPORT_YEAR;
    let editor = format!("/admin/reports/{year}?agency={AGENCY}");
    let pages = [
        ("admin-reports", "/admin/reports".to_string()),
        ("admin-report-editor", editor.clone()),
        (
            "admin-report-cell",
            format!("/admin/reports/{year}/cells/requests.new%5B6%5D?agency={AGENCY}"),
        ),
    ];
    let dir = screenshot_dir()?;
    let mut violations = Vec::new();
    for (mode, elder) in [("normal", "0"), ("elder", "1")] {
        goto(c, &app.url(&format!("/mode?elder={elder}&next=/admin/"))).await?;
        for width in [1280, 375] {
            set_width(c, width).await?;
            for (name, path) in &pages {
                goto(c, &app.url(path)).await?;
                wait_for(c, "main h1").await?;
                violations
                    .extend(report_page_checks(c, &dir, name, mode, width, axe_source).await?);
            }
            // A save refused (an invisible character in section 五): the error next to it.
            goto(c, &app.url(&editor)).await?;
            let form = "form#sections-form";
            wait_for(c, form).await?;
            fill(c, form, "problems", Some("问题\u{200b}")).await?;
            submit(c, form, "保存叙述部分").await?;
            wait_for(c, "#problems-error").await?;
            violations.extend(
                report_page_checks(c, &dir, "admin-report-errors", mode, width, axe_source).await?,
            );
        }
    }
    Ok(violations)
}

/// A screenshot of the current page, the reflow check and axe-core.
async fn report_page_checks(
    c: &Client,
    dir: &Path,
    name: &str,
    mode: &str,
    width: u32,
    axe_source: &str,
) -> Result<Vec<Violation>> {
    let label = format!("{name} ({mode}, {width} px)");
    std::fs::write(
        dir.join(format!("{name}-{width}-{mode}.png")),
        full_screenshot(c).await?,
    )?;
    let mut found: Vec<Violation> = overflow(c, label.clone()).await?.into_iter().collect();
    found.extend(axe(c, &label, axe_source).await?);
    Ok(found)
}
