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
    title: &'static str,
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

/// The flow chart: the procedure's steps stacked, with arrows between them; the dashed boxes
/// are the steps only some requests pass.
struct Flow {
    width: u32,
    height: u32,
    boxes: Vec<FlowBox>,
    steps: Vec<Step>,
    summary: String,
}

fn flow(steps: Vec<Step>) -> Flow {
    const WIDTH: u32 = 360;
    const MARGIN: u32 = 10;
    const BOX_H: u32 = 84;
    const GAP: u32 = 36;
    let n = u32::try_from(steps.len()).unwrap_or(0);
    let boxes = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let i = u32::try_from(i).unwrap_or(0);
            let y = MARGIN + i * (BOX_H + GAP);
            FlowBox {
                title: s.title,
                article: s.article,
                limit: s.limit_label(),
                optional: s.optional,
                x: MARGIN,
                y,
                w: WIDTH - 2 * MARGIN,
                h: BOX_H,
                cx: WIDTH / 2,
                line1: y + 26,
                line2: y + 50,
                line3: y + 72,
                arrow: (i + 1 < n).then_some(Arrow {
                    y1: y + BOX_H,
                    y2: y + BOX_H + GAP - 2,
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
        width: WIDTH,
        height: 2 * MARGIN + n * BOX_H + n.saturating_sub(1) * GAP,
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
        flow: flow(procedure::request_procedure(regime)),
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
        let f = flow(procedure::request_procedure(Regime::Regulation2019));
        assert_eq!(f.boxes.len(), 5);
        assert!(f.boxes.windows(2).all(|w| w[0].y + w[0].h < w[1].y));
        assert!(f.boxes[..4].iter().all(|b| b.arrow.is_some()));
        assert!(f.boxes[4].arrow.is_none());
        let last = &f.boxes[4];
        assert!(last.y + last.h <= f.height);
        assert!(f.summary.starts_with("收到申请 → 补正"));
    }
}
