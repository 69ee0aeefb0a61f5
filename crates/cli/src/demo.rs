//! `gongkai demo`: the demo agency 阜新市自然资源局 (`fuxin-zrzyj`) with the 2020 records behind
//! its published annual report: 15 requests (13 natural persons, 2 commercial enterprises), all
//! disclosed within the year; one reconsideration (corrected) and one direct lawsuit (upheld);
//! and the agency settings its report states (the office, its disclosure rules).

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_domain::agency::SettingChange;
use gongkai_domain::applicant::{Applicant, ApplicantKind, CreditCode, IdCardNumber, PhoneNumber};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{ReviewFact, ReviewKind, ReviewResult};
use gongkai_domain::request::{Channel, Delivery, Event};
use gongkai_store::{Actor, NewAgency, NewRequest, Store};

pub const SLUG: &str = "fuxin-zrzyj";
pub const NAME: &str = "阜新市自然资源局";
const DEPARTMENTS: [&str; 5] = [
    "办公室",
    "政策法规科",
    "不动产登记科",
    "国土空间规划科",
    "耕地保护监督科",
];

/// (received, applicant kind index, description); 13 natural persons, 2 enterprises.
const REQUESTS_2020: [(&str, usize, &str); 15] = [
    ("2020-03-02", 0, "细河区某地块土地征收批复文件"),
    (
        "2020-03-16",
        0,
        "本人房屋所在地块的国有土地上房屋征收补偿方案",
    ),
    ("2020-04-08", 0, "海州区2019年度农用地转用审批情况"),
    ("2020-04-22", 0, "某小区建设用地规划许可证"),
    ("2020-05-11", 1, "某工业园区控制性详细规划"),
    ("2020-05-25", 0, "某村集体土地征收公告及补偿标准"),
    ("2020-06-08", 0, "太平区某路段拓宽工程用地审批文件"),
    ("2020-06-22", 0, "2019年度土地供应计划执行情况"),
    ("2020-07-06", 0, "某地块国有建设用地使用权出让公告"),
    ("2020-07-20", 0, "某矿区采矿权设立审批情况"),
    ("2020-08-03", 1, "某宗地出让合同及规划条件"),
    ("2020-08-17", 0, "清河门区某村土地利用总体规划图"),
    ("2020-09-07", 0, "某小区规划调整批前公示材料"),
    ("2020-09-21", 0, "本人承包地被占用的用地审批文件"),
    ("2020-10-19", 0, "某地块土地储备及补偿情况"),
];

/// Table 1 figures of 2020 that live in other government systems, as published.
const STATISTICS_2020: [(&str, f64, &str); 14] = [
    (
        "licensing.items_last_year",
        43.0,
        "权力清单（行政许可事项）",
    ),
    ("licensing.change", 0.0, "权力清单（行政许可事项）"),
    ("licensing.decisions", 988.0, "行政审批系统"),
    (
        "other_services.items_last_year",
        54.0,
        "权力清单（其他对外管理服务事项）",
    ),
    (
        "other_services.change",
        0.0,
        "权力清单（其他对外管理服务事项）",
    ),
    ("other_services.decisions", 6.0, "行政审批系统"),
    ("penalty.items_last_year", 52.0, "权力清单（行政处罚事项）"),
    ("penalty.change", -4.0, "权力清单（行政处罚事项）"),
    ("penalty.decisions", 8.0, "行政执法平台"),
    ("coercion.items_last_year", 13.0, "权力清单（行政强制事项）"),
    ("coercion.change", 0.0, "权力清单（行政强制事项）"),
    ("coercion.decisions", 0.0, "行政执法平台"),
    ("fees.items_last_year", 13.0, "收费目录清单"),
    ("fees.change", 0.0, "收费目录清单"),
];

const PROCUREMENT_2020: [(&str, f64, &str); 2] = [
    ("procurement.projects", 5.0, "政府采购管理系统"),
    ("procurement.amount_wan_yuan", 1858.0, "政府采购管理系统"),
];

fn d(s: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s, "%Y-%m-%d")?)
}

fn applicant(i: usize, kind: ApplicantKind) -> Result<Applicant> {
    let phone = PhoneNumber::parse(&format!("1394180{:04}", 1000 + i))?;
    Ok(match kind {
        ApplicantKind::NaturalPerson => Applicant {
            kind,
            name: format!(
                "{}某",
                [
                    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马",
                    "朱", "胡"
                ][i % 15]
            ),
            id_number: Some(
                IdCardNumber::from_first17(&format!(
                    "2109021970{:02}{:02}0{:02}",
                    1 + i % 12,
                    1 + i,
                    10 + i
                ))?
                .into(),
            ),
            org_code: None,
            phone,
            email: None,
            address: Some("辽宁省阜新市细河区".into()),
            legal_representative: None,
            contact_person: None,
        },
        _ => Applicant {
            kind,
            name: format!("阜新某置业有限公司（{}）", i + 1),
            id_number: None,
            org_code: Some(CreditCode::parse("91350100M000100Y43")?),
            phone,
            email: Some(format!("office{}@example.cn", i + 1)),
            address: None,
            legal_representative: None,
            contact_person: None,
        },
    })
}

/// Section 五 of the published 2020 report.
const PROBLEMS_2020: &str = "由于政务公开涉及面广、政策性强，存在公开时间滞后、集中发布等现象，公开的形式还不够丰富，公开的格式上还不够统一规范，距离上级要求和群众期盼仍有一定差距。下步，阜新市自然资源局将进一步完善政府信息公开的制度建设，建立健全制度体系，以制度建设为保障，确保政府信息及时、准确、有效公开。";

/// The agency's settings (what its 公开指南, disclosure home and footer show), each a fact its
/// published 2020 report states (`fixtures/reports/fuxin-zrzyj-2020.txt`): the office that
/// supervises the daily disclosure work (公开办, 五、监督保障情况) and the rules it works by
/// (三、政府信息管理情况, 五). The report gives no address, postal address, hours, phone, fax,
/// e-mail, website, review body or court, so the demo leaves them unset (the guide then says
/// where to turn in general terms) rather than make any up; `gongkai agency set` adds them.
const SETTINGS: [(&str, &str); 3] = [
    ("office_name", "阜新市自然资源局公开办"),
    ("sponsor", NAME),
    (
        "system_text",
        "本局按照《阜新市自然资源局政府信息公开工作制度（试行）》开展政府信息公开工作：局政府信息公开工作领导小组负责对各科室（单位）信息公开工作进行年度考评，公开办负责对各科室（单位）信息公开日常工作进行监督、检查；建立了政府信息公开工作联席会议制度，细化了主动公开和依申请公开的程序和要求，并建立了政务信息发布领导审核把关制度。",
    ),
];

/// One demo login per role: (login, name, role, department).
const LOGINS: [(&str, &str, &str, Option<&str>); 7] = [
    ("gongkaiban", "公开办", "office", None),
    ("chengban", "承办人", "handler", Some(DEPARTMENTS[2])),
    ("fuzeren", "负责人", "head", None),
    ("jiandu", "监督员", "supervisor", None),
    ("sysadmin", "系统管理员", "sysadmin", None),
    ("secadmin", "安全管理员", "secadmin", None),
    ("auditor", "审计员", "auditor", None),
];

/// Creates one account per role with a generated password; returns the lines to print
/// (login, role, password: shown once, never fixed in the code).
pub async fn users(app: &gongkai_app::App) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for (login, name, role, department) in LOGINS {
        let staff = !matches!(role, "sysadmin" | "secadmin" | "auditor");
        let input = gongkai_app::UserInput {
            login: login.into(),
            name: Some(name.into()),
            role: role.into(),
            agency: staff.then(|| SLUG.to_string()),
            department: department.map(str::to_string),
            supervises: if role == "supervisor" {
                vec![SLUG.into()]
            } else {
                Vec::new()
            },
            password: None,
        };
        let done = app
            .create_user(&input, &Actor::system())
            .await
            .with_context(|| format!("demo user {login}"))?;
        lines.push(format!(
            "{login}\t{role}\t{}",
            done.generated_password.unwrap_or_default()
        ));
    }
    Ok(lines)
}

/// Creates the demo; a second run finds it and changes nothing.
pub async fn create(store: &dyn Store) -> Result<String> {
    if store.agency(SLUG).await?.is_some() {
        return Ok(format!(
            "demo agency {SLUG} ({NAME}) already present; nothing changed"
        ));
    }
    let admin = Actor::system();
    let agency = store
        .create_agency(
            NewAgency {
                slug: SLUG.into(),
                name: NAME.into(),
                is_government: false,
            },
            &admin,
        )
        .await?;
    for dept in DEPARTMENTS {
        store.add_department(agency.id, dept, &admin).await?;
    }
    let settings = SettingChange::parse_all(SETTINGS).map_err(|errors| {
        let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("demo settings: {}", named.join("; "))
    })?;
    store
        .set_agency_settings(agency.id, &settings, &admin)
        .await?;
    let staff = Actor::new("公开办", gongkai_store::Role::Office, Some(agency.id));
    let calendar = store.current_calendar().await?;
    let mut numbers = Vec::new();
    for (i, (received, kind, what)) in REQUESTS_2020.iter().enumerate() {
        let received = d(received)?;
        let kind = [ApplicantKind::NaturalPerson, ApplicantKind::Commercial][*kind];
        let created = store
            .create_request(
                NewRequest {
                    agency_id: agency.id,
                    applicant: applicant(i, kind)?,
                    description: format!("申请公开{what}"),
                    channel: if i % 3 == 0 {
                        Channel::InPerson
                    } else {
                        Channel::Email
                    },
                    delivery: Delivery::Post,
                    received_on: received,
                    department_id: None,
                    details: Default::default(),
                },
                &staff,
            )
            .await?;
        let answered = calendar.add_working_days(received, 8 + (i as u32 % 9));
        store
            .append_event(
                &created.number,
                Event::Answered {
                    on: answered,
                    outcome: Outcome::Disclosed,
                    letter_no: Some(format!("阜自然资公复〔2020〕{}号", i + 1)),
                },
                &staff,
            )
            .await
            .with_context(|| format!("answering {}", created.number))?;
        numbers.push(created.number);
    }
    store
        .add_review_case(
            agency.id,
            Some(&numbers[2]),
            ReviewFact {
                kind: ReviewKind::Reconsideration,
                filed_on: d("2020-06-15")?,
                decided: Some((d("2020-08-20")?, ReviewResult::Corrected)),
            },
            &staff,
        )
        .await?;
    store
        .add_review_case(
            agency.id,
            Some(&numbers[6]),
            ReviewFact {
                kind: ReviewKind::LitigationDirect,
                filed_on: d("2020-09-10")?,
                decided: Some((d("2020-11-25")?, ReviewResult::Upheld)),
            },
            &staff,
        )
        .await?;
    for (key, value, source) in STATISTICS_2020.into_iter().chain(PROCUREMENT_2020) {
        store
            .set_statistic(
                agency.id,
                2020,
                gongkai_store::Statistic {
                    key: key.into(),
                    value,
                    source: source.into(),
                },
                &staff,
            )
            .await?;
    }
    // Sections 五 and 六 as the published report words them: the starter text leaves 五 to be
    // written (placeholder text, S2), and a report holding it is not published.
    let generated = gongkai_store::reporting::generate(store, &agency, 2020).await?;
    let mut sections = generated.sections.unwrap_or_default();
    sections.problems = PROBLEMS_2020.into();
    sections.other = "无".into();
    store
        .save_sections(agency.id, 2020, &sections, &staff)
        .await?;
    Ok(format!(
        "created demo agency {SLUG} ({NAME}): {} departments, {} requests of 2020 ({} … {}), 1 reconsideration, 1 lawsuit",
        DEPARTMENTS.len(),
        numbers.len(),
        numbers.first().map_or("", String::as_str),
        numbers.last().map_or("", String::as_str)
    ))
}
