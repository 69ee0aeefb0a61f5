//! The portal's own pages: `/` (the agencies hosted here, a city's 政府信息公开 entry point),
//! `/{agency}/` (the agency's disclosure home with its columns) and `/{agency}/guide` (the
//! 政府信息公开指南 generated from the agency's settings, Art. 12, with the request flow chart
//! drawn from the domain's procedure).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_domain::agency::{AgencySettings, SettingKey, channel_label_zh};
use gongkai_domain::deadline::Regime;
use gongkai_domain::fee;
use gongkai_domain::procedure::{self, Step};
use gongkai_domain::request::Channel;
use gongkai_store::Agency;

use super::{Chrome, Crumb, Footer, PageError, Viewer, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/{agency}", get(agency_without_slash))
        .route("/{agency}/", get(agency_home))
        .route("/{agency}/guide", get(guide))
}

/// The agency of a page, or the 404 page.
pub(crate) async fn page_agency(state: &AppState, slug: &str) -> Result<Agency, PageError> {
    Ok(state.app.agency(slug).await?)
}

/// The footer of an agency's pages, from its settings (each line only when set).
pub fn footer(settings: &AgencySettings) -> Footer {
    let own = |k: SettingKey| settings.get(k).map(str::to_string);
    let contact: Vec<String> = [
        SettingKey::Phone,
        SettingKey::Email,
        SettingKey::OfficeAddress,
    ]
    .into_iter()
    .filter_map(|k| settings.get(k).map(|v| format!("{}：{v}", k.label_zh())))
    .collect();
    Footer {
        sponsor: own(SettingKey::Sponsor),
        organiser: own(SettingKey::Organiser),
        contact: (!contact.is_empty()).then(|| contact.join("　")),
        site_code: own(SettingKey::SiteCode),
        icp: own(SettingKey::Icp),
        police: own(SettingKey::Police),
    }
}

/// The layout of an agency's page: its name in the header, its footer.
pub(crate) async fn agency_chrome(
    state: &AppState,
    viewer: &Viewer,
    agency: &Agency,
) -> Result<(Chrome, AgencySettings), PageError> {
    let settings = state.app.agency_settings(agency).await?;
    let chrome = Chrome::agency(viewer, &agency.slug, &agency.name).with_footer(footer(&settings));
    Ok((chrome, settings))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    agencies: Vec<Agency>,
}

/// `/`: every agency hosted here, each linking to its disclosure column.
async fn home(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let agencies = state.app.agencies().await?;
    Ok(render(&HomePage {
        chrome: Chrome::site(&viewer),
        agencies,
    }))
}

/// `/{agency}` → `/{agency}/` (for a known agency; otherwise the 404 page).
async fn agency_without_slash(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = page_agency(&state, &slug).await?;
    let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/{}/", agency.slug)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// A first-level column of the disclosure home (国办公开办函〔2019〕61号), shown only with content.
struct Column {
    title: &'static str,
    summary: String,
    links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    chrome: Chrome,
    name: String,
    columns: Vec<Column>,
}

/// `/{agency}/`: the disclosure home. Columns: 政府信息公开指南 (always: it is generated),
/// 政府信息公开制度 (when the agency has given its text or link), 政府信息公开年报 (when a year is
/// published), 依申请公开 (apply and track). 法定主动公开内容 joins them once proactive
/// publications exist (issue 12); until then there is no empty placeholder.
async fn agency_home(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = page_agency(&state, &slug).await?;
    let (chrome, settings) = agency_chrome(&state, &viewer, &agency).await?;
    let base = format!("/{}", agency.slug);
    let mut columns = vec![Column {
        title: "政府信息公开指南",
        summary: "政府信息的分类、获取方式，公开工作机构的地址、办公时间和联系方式，申请流程、收费和救济途径。"
            .into(),
        links: vec![(format!("{base}/guide"), "查看公开指南".into())],
    }];
    let system_text = settings.get(SettingKey::SystemText);
    let system_link = settings.get(SettingKey::SystemLink);
    if system_text.is_some() || system_link.is_some() {
        columns.push(Column {
            title: "政府信息公开制度",
            summary: system_text
                .map(str::to_string)
                .unwrap_or_else(|| "本机关政府信息公开工作制度。".into()),
            links: system_link
                .map(|l| vec![(l.to_string(), "查看制度全文".to_string())])
                .unwrap_or_default(),
        });
    }
    let years = state.app.published_report_years(&agency).await?;
    if !years.is_empty() {
        columns.push(Column {
            title: "政府信息公开年报",
            summary: "本机关政府信息公开工作年度报告（第四十九条、第五十条）。".into(),
            links: years
                .iter()
                .map(|y| (format!("{base}/reports/{y}"), format!("{y}年度报告")))
                .collect(),
        });
    }
    columns.push(Column {
        title: "依申请公开",
        summary: "在线提交政府信息公开申请，凭申请编号和查询码查询办理进度。".into(),
        links: vec![
            (format!("{base}/apply"), "在线申请".into()),
            (format!("{base}/track"), "办理查询".into()),
        ],
    });
    let name = agency.name.clone();
    Ok(render(&AgencyPage {
        chrome: chrome.crumbs(Vec::new()),
        name,
        columns,
    }))
}

/// One box of the flow chart, placed.
struct FlowBox {
    /// The step's title, marked （视情形） when only some requests pass it.
    title: String,
    article: &'static str,
    limit: Option<String>,
    optional: bool,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    /// Horizontal centre, baselines of the three text lines (title, article, limit).
    cx: u32,
    line1: u32,
    line2: u32,
    line3: u32,
    /// The arrow to the next box (none after the last).
    arrow: Option<Arrow>,
}

/// A vertical arrow from `y1` to `y2` on the chart's centre line.
struct Arrow {
    y1: u32,
    y2: u32,
}

/// The chart's measures and colours. The chart is drawn once per display mode, so that 长辈版
/// gets text 1.5× as large in boxes made to fit it (scaling the standard drawing instead would
/// shrink it again on a phone), black on white.
#[derive(Debug, Clone, Copy)]
struct Metrics {
    /// Font size of a box's title and of its other lines, px.
    title_px: u32,
    text_px: u32,
    /// Baseline to baseline of a box's lines, px.
    line_px: u32,
    /// Space inside a box around its text, px.
    pad: u32,
    /// Between two boxes (the arrow's length), px.
    gap: u32,
    /// The narrowest chart (the boxes grow to fit their longest line).
    min_width: u32,
    stroke_width: u32,
    /// Box and arrow colour; text colour.
    stroke: &'static str,
    ink: &'static str,
}

/// The standard chart.
const STANDARD: Metrics = Metrics {
    title_px: 16,
    text_px: 14,
    line_px: 23,
    pad: 10,
    gap: 36,
    min_width: 360,
    stroke_width: 2,
    stroke: "#0b4a8b",
    ink: "#1f1f1f",
};

/// 长辈版: every font size 1.5× the standard chart's, thicker black lines, black text.
const ELDER: Metrics = Metrics {
    title_px: 24,
    text_px: 21,
    line_px: 34,
    // The longest line (15个工作日（不计入答复期限）) is then 299 px: with this padding the chart
    // is 339 px wide and fits a phone's 343 px unscaled.
    pad: 10,
    gap: 40,
    min_width: 0,
    stroke_width: 3,
    stroke: "#000000",
    ink: "#000000",
};

/// Around the boxes, px.
const MARGIN: u32 = 10;

/// The drawn width of `text` at `px`: a full-width character (汉字, full-width punctuation) one
/// em, any other 0.6 em — an upper bound for the digits and Latin letters of the system fonts.
fn text_width(text: &str, px: u32) -> u32 {
    let tenths: u32 = text
        .chars()
        .map(|c| if c.is_ascii() { 6 } else { 10 })
        .sum();
    (tenths * px).div_ceil(10)
}

/// The flow chart: the procedure's steps stacked, with arrows between them; the dashed boxes
/// are the steps only some requests pass.
struct Flow {
    width: u32,
    height: u32,
    m: Metrics,
    boxes: Vec<FlowBox>,
    steps: Vec<Step>,
    summary: String,
}

/// A step's title as the chart shows it.
fn box_title(s: &Step) -> String {
    if s.optional {
        format!("{}（视情形）", s.title)
    } else {
        s.title.to_string()
    }
}

/// The widest line of any box at `m`'s sizes.
fn widest_line(steps: &[Step], m: Metrics) -> u32 {
    steps
        .iter()
        .flat_map(|s| {
            [
                text_width(&box_title(s), m.title_px),
                text_width(s.article, m.text_px),
                s.limit_label().map_or(0, |l| text_width(&l, m.text_px)),
            ]
        })
        .max()
        .unwrap_or(0)
}

fn flow(steps: Vec<Step>, m: Metrics) -> Flow {
    let width = (widest_line(&steps, m) + 2 * m.pad + 2 * MARGIN).max(m.min_width);
    // Title baseline, two more lines, and room below the last one for its descent.
    let line1 = m.pad + m.title_px;
    let box_h = line1 + 2 * m.line_px + m.pad + m.text_px / 4;
    let n = u32::try_from(steps.len()).unwrap_or(0);
    let boxes = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let i = u32::try_from(i).unwrap_or(0);
            let y = MARGIN + i * (box_h + m.gap);
            FlowBox {
                title: box_title(s),
                article: s.article,
                limit: s.limit_label(),
                optional: s.optional,
                x: MARGIN,
                y,
                w: width - 2 * MARGIN,
                h: box_h,
                cx: width / 2,
                line1: y + line1,
                line2: y + line1 + m.line_px,
                line3: y + line1 + 2 * m.line_px,
                arrow: (i + 1 < n).then_some(Arrow {
                    y1: y + box_h,
                    y2: y + box_h + m.gap - 2,
                }),
            }
        })
        .collect();
    let summary = steps
        .iter()
        .map(|s| match s.limit_label() {
            Some(l) => format!("{}（{l}）", s.title),
            None => s.title.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" → ");
    Flow {
        width,
        height: 2 * MARGIN + n * box_h + n.saturating_sub(1) * m.gap,
        m,
        boxes,
        steps,
        summary,
    }
}

/// A line of the office's particulars.
struct Line {
    label: &'static str,
    value: String,
    href: Option<String>,
}

/// A channel the office accepts and how to use it.
struct ChannelLine {
    label: &'static str,
    how: String,
    href: Option<String>,
}

/// A band of a fee basis: the range and the rate.
struct Band {
    range: String,
    rate: String,
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    name: String,
    office: Vec<Line>,
    channels: Vec<ChannelLine>,
    count_bands: Vec<Band>,
    count_rule_after: String,
    page_bands: Vec<Band>,
    proactive_days: u32,
    payment_days: u32,
    review_body: Option<String>,
    court: Option<String>,
    reconsideration_days: u32,
    litigation_months: u32,
    answer_days: u32,
    flow: Flow,
    system_link: Option<String>,
    website: Option<String>,
    apply_href: String,
}

fn office_lines(settings: &AgencySettings) -> Vec<Line> {
    [
        SettingKey::OfficeName,
        SettingKey::OfficeAddress,
        SettingKey::PostalAddress,
        SettingKey::Postcode,
        SettingKey::OfficeHours,
        SettingKey::Phone,
        SettingKey::Fax,
        SettingKey::Email,
        SettingKey::Website,
    ]
    .into_iter()
    .filter_map(|k| {
        settings.get(k).map(|v| Line {
            label: k.label_zh(),
            value: v.to_string(),
            href: match k {
                SettingKey::Email => Some(format!("mailto:{v}")),
                SettingKey::Website => Some(v.to_string()),
                _ => None,
            },
        })
    })
    .collect()
}

fn channel_lines(settings: &AgencySettings, apply_href: &str) -> Vec<ChannelLine> {
    let get = |k: SettingKey| settings.get(k);
    settings
        .channels()
        .into_iter()
        .map(|c| {
            let (how, href) = match c {
                Channel::InPerson => (
                    match (get(SettingKey::OfficeAddress), get(SettingKey::OfficeHours)) {
                        (Some(a), Some(h)) => format!(
                            "在办公时间（{h}）到{a}填写申请表提交，以提交之日为收到申请之日。"
                        ),
                        (Some(a), None) => {
                            format!("到{a}填写申请表提交，以提交之日为收到申请之日。")
                        }
                        _ => "到政府信息公开工作机构填写申请表提交，以提交之日为收到申请之日。"
                            .into(),
                    },
                    None,
                ),
                Channel::PostSigned | Channel::Letter => (
                    match get(SettingKey::PostalAddress) {
                        Some(a) => format!(
                            "寄至{a}{}，请在信封注明“政府信息公开申请”。",
                            get(SettingKey::Postcode)
                                .map(|p| format!("（邮政编码：{p}）"))
                                .unwrap_or_default()
                        ),
                        None => {
                            "邮寄至政府信息公开工作机构，请在信封注明“政府信息公开申请”。".into()
                        }
                    },
                    None,
                ),
                Channel::Online => (
                    "通过本平台在线填写申请，提交后即确认收到，并取得申请编号和查询码。".into(),
                    Some(apply_href.to_string()),
                ),
                Channel::Fax => (
                    match get(SettingKey::Fax) {
                        Some(f) => format!("传真至{f}，以双方确认之日为收到申请之日。"),
                        None => "传真至政府信息公开工作机构，以双方确认之日为收到申请之日。".into(),
                    },
                    None,
                ),
                Channel::Email => (
                    match get(SettingKey::Email) {
                        Some(e) => format!("发送至{e}，以电子邮件系统收到之日为收到申请之日。"),
                        None => "发送至政府信息公开工作机构的电子邮箱。".into(),
                    },
                    None,
                ),
            };
            ChannelLine {
                label: channel_label_zh(c),
                how,
                href,
            }
        })
        .collect()
}

/// How many 按件计收 bands the guide lists before "以此类推".
const LISTED_COUNT_BANDS: usize = 4;

/// The 按件计收 bands as the fee function gives them: consecutive ordinals with one fee, up
/// to the fourth charged band ("以此类推" after it).
fn count_bands() -> Vec<Band> {
    let mut bands: Vec<(u32, u32, u64)> = Vec::new();
    for n in 1..=fee::MAX_ORDINAL {
        let f = fee::fee_by_count(n);
        if let Some(last) = bands.last_mut().filter(|l| l.2 == f) {
            last.1 = n;
        } else if bands.len() == LISTED_COUNT_BANDS {
            break;
        } else {
            bands.push((n, n, f));
        }
    }
    bands
        .into_iter()
        .map(|(lo, hi, f)| Band {
            range: format!("第{lo}—{hi}件"),
            rate: if f == 0 {
                "不收费".into()
            } else {
                format!("{f}元/件")
            },
        })
        .collect()
}

/// The rule beyond the bands [`count_bands`] lists, read off the fee function: the size of a
/// band and the step of its rate.
fn count_rule_after() -> String {
    // The last listed band starts where the one before it ends (e.g. 41); the next one after it.
    let mut starts = vec![1u32];
    for n in 2..=fee::MAX_ORDINAL {
        if fee::fee_by_count(n) != fee::fee_by_count(n - 1) {
            starts.push(n);
        }
        if starts.len() > LISTED_COUNT_BANDS + 1 {
            break;
        }
    }
    match starts.as_slice() {
        [.., a, b, c] => format!(
            "此后以{}件为一档，每增加一档，收费标准提高{}元/件。",
            c - b,
            fee::fee_by_count(*b) - fee::fee_by_count(*a)
        ),
        _ => String::new(),
    }
}

fn page_bands() -> Vec<Band> {
    fee::PAGE_BANDS
        .iter()
        .map(|&(lo, hi, rate)| Band {
            range: if hi == u32::MAX {
                format!("{lo}页以上")
            } else {
                format!("{lo}—{hi}页")
            },
            rate: if rate == 0 {
                "不收费".into()
            } else {
                format!("{rate}元/页")
            },
        })
        .collect()
}

/// `/{agency}/guide`: the 政府信息公开指南 (Art. 12). Lines of settings not set are left out.
async fn guide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = page_agency(&state, &slug).await?;
    let (chrome, settings) = agency_chrome(&state, &viewer, &agency).await?;
    let apply_href = format!("/{}/apply", agency.slug);
    let regime = Regime::Regulation2019;
    let page = GuidePage {
        chrome: chrome.crumbs(vec![Crumb::here("政府信息公开指南")]),
        name: agency.name.clone(),
        office: office_lines(&settings),
        channels: channel_lines(&settings, &apply_href),
        count_bands: count_bands(),
        count_rule_after: count_rule_after(),
        page_bands: page_bands(),
        proactive_days: gongkai_domain::deadline::PROACTIVE_PUBLICATION_DAYS,
        payment_days: fee::PAYMENT_DAYS,
        review_body: settings.get(SettingKey::ReviewBody).map(str::to_string),
        court: settings.get(SettingKey::Court).map(str::to_string),
        reconsideration_days: procedure::RECONSIDERATION_DAYS,
        litigation_months: procedure::LITIGATION_MONTHS,
        answer_days: regime.answer_days(),
        flow: flow(
            procedure::request_procedure(regime),
            if viewer.elder { ELDER } else { STANDARD },
        ),
        system_link: settings.get(SettingKey::SystemLink).map(str::to_string),
        website: settings.get(SettingKey::Website).map(str::to_string),
        apply_href,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_bands_come_from_the_fee_module() {
        let c = count_bands();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].range, "第1—10件");
        assert_eq!(c[0].rate, "不收费");
        assert_eq!(c[1].range, "第11—30件");
        assert_eq!(c[1].rate, "100元/件");
        assert_eq!(c[3].range, "第41—50件");
        assert_eq!(
            count_rule_after(),
            "此后以10件为一档，每增加一档，收费标准提高100元/件。"
        );
        let p = page_bands();
        assert_eq!(p[0].range, "1—30页");
        assert_eq!(p[3].range, "201页以上");
        assert_eq!(p[3].rate, "40元/页");
    }

    #[test]
    fn the_chart_places_every_step_with_an_arrow_between() {
        for m in [STANDARD, ELDER] {
            let f = flow(procedure::request_procedure(Regime::Regulation2019), m);
            assert_eq!(f.boxes.len(), 5);
            assert!(f.boxes.windows(2).all(|w| w[0].y + w[0].h < w[1].y));
            assert!(f.boxes[..4].iter().all(|b| b.arrow.is_some()));
            assert!(f.boxes[4].arrow.is_none());
            let last = &f.boxes[4];
            assert!(last.y + last.h <= f.height);
            assert!(f.summary.starts_with("收到申请 → 补正"));
        }
    }

    /// The width a phone of 375 px leaves the page's content (the `.wrap` padding is 16 px).
    const PHONE_CONTENT_PX: u32 = 375 - 2 * 16;

    #[test]
    fn in_elder_mode_the_text_is_half_as_large_again_and_still_fits_its_boxes() {
        let steps = procedure::request_procedure(Regime::Regulation2019);
        let standard = flow(steps.clone(), STANDARD);
        let elder = flow(steps.clone(), ELDER);
        // The sizes the template draws with.
        let (s, e) = (standard.m, elder.m);
        assert!(2 * e.title_px >= 3 * s.title_px && 2 * e.text_px >= 3 * s.text_px);
        // Drawn at its own size on a phone (not scaled down), so the text stays 1.5×.
        assert!(elder.width <= PHONE_CONTENT_PX, "{}", elder.width);
        for (f, m) in [(&standard, STANDARD), (&elder, ELDER)] {
            for (b, s) in f.boxes.iter().zip(&steps) {
                let room = b.w - 2 * m.pad;
                assert!(text_width(&box_title(s), m.title_px) <= room, "{}", s.title);
                assert!(text_width(s.article, m.text_px) <= room, "{}", s.article);
                if let Some(l) = s.limit_label() {
                    assert!(text_width(&l, m.text_px) <= room, "{l}");
                }
                // Three lines inside the box, the last one's descent too.
                assert!(b.line1 - m.title_px >= b.y + m.pad);
                assert!(b.line3 + m.text_px / 4 <= b.y + b.h);
                assert!(b.line2 - b.line1 >= m.text_px && b.line3 - b.line2 >= m.text_px);
            }
        }
        assert_eq!((e.ink, e.stroke), ("#000000", "#000000"));
        assert_eq!(text_width("7个工作日", 10), 46);
    }
}
