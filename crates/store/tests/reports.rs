//! The annual report generated from stored records: random ledgers on every backend satisfy the
//! consistency rules and agree with the domain's reference count; sign-off freezes versions.

use std::sync::Arc;

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{
    CheckContext, ReportFormat, RequestFact, ReviewFact, ReviewKind, ReviewResult, Sections,
    Severity, check, tally_requests,
};
use gongkai_domain::request::{CaseState, Event};
use gongkai_store::testing::{Backend, fresh};
use gongkai_store::{Actor, NewAgency, Role, SeedRequest, Store, StoreError, reporting};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// A new agency `slug`, named 机关<slug>.
async fn new_agency(s: &Arc<dyn Store>, slug: &str) -> Result<gongkai_store::Agency> {
    let agency = NewAgency {
        slug: slug.into(),
        name: format!("机关{slug}"),
        is_government: false,
    };
    Ok(s.create_agency(agency, &Actor::system()).await?)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// (applicant kind index, receipt day offset, optional (outcome index, working days to conclude)).
type RandomRequest = (usize, i64, Option<(usize, u32)>);

/// One random request: kind, receipt day offset from 2022-11-01, and its conclusion (outcome index
/// and working days later), or open.
fn arb_request() -> impl Strategy<Value = RandomRequest> {
    (
        0usize..6,
        0i64..500,
        proptest::option::weighted(0.9, (0usize..21, 1u32..60)),
    )
}

async fn store_ledgers(
    store: &Arc<dyn Store>,
    agency_id: i64,
    rows: &[RandomRequest],
) -> Result<Vec<RequestFact>> {
    let cal = store.current_calendar().await?;
    // Every outcome an answer may carry without earlier steps ('unclear after correction' needs a 补正).
    let unclear =
        Outcome::UnableToProvide(gongkai_domain::outcome::UnableReason::UnclearAfterCorrection);
    let outcomes: Vec<Outcome> = Outcome::all()
        .filter(|o| o.is_answer() && *o != unclear)
        .collect();
    let mut seeds = Vec::new();
    let mut facts = Vec::new();
    for (kind, offset, conclusion) in rows {
        let mut received = d("2022-11-01") + Duration::days(*offset);
        while !cal.is_working_day(received) {
            received += Duration::days(1);
        }
        let kind = ApplicantKind::ALL[*kind];
        let events: Vec<Event> = match conclusion {
            Some((o, days)) => {
                let on = cal.add_working_days(received, *days);
                match outcomes.get(*o) {
                    Some(outcome) => vec![Event::Answered {
                        on,
                        outcome: *outcome,
                        letter_no: None,
                    }],
                    None => vec![Event::Withdrawn { on }],
                }
            }
            None => vec![],
        };
        let mut ledger = vec![Event::Received {
            on: received,
            channel: gongkai_domain::request::Channel::Online,
        }];
        ledger.extend(events.iter().cloned());
        let state = CaseState::replay(&cal, &ledger)?;
        facts.push(RequestFact {
            kind,
            received_on: received,
            concluded: state.conclusion,
        });
        seeds.push(SeedRequest {
            agency_id,
            kind,
            name: "某某".into(),
            received_on: received,
            events,
        });
    }
    store.bulk_seed(&seeds, &Actor::system()).await?;
    Ok(facts)
}

#[test]
fn random_ledgers_give_consistent_reports_that_match_the_reference_count() -> Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    for backend in Backend::all() {
        let mut runner = TestRunner::new(Config {
            cases: 12,
            ..Config::default()
        });
        runner
            .run(&proptest::collection::vec(arb_request(), 0..80), |rows| {
                rt.block_on(async {
                    let ts = fresh(backend).await.unwrap();
                    let s = ts.store.clone();
                    let agency = new_agency(&s, "prop").await.unwrap();
                    let facts = store_ledgers(&s, agency.id, &rows).await.unwrap();
                    for year in [2022, 2023, 2024] {
                        let report = reporting::generate(s.as_ref(), &agency, year)
                            .await
                            .unwrap();
                        let errors: Vec<_> = check(&report, &CheckContext::default())
                            .into_iter()
                            .filter(|f| f.severity == Severity::Error)
                            .collect();
                        assert!(errors.is_empty(), "{backend:?} {year}: {errors:#?}");
                        let format = ReportFormat::for_year(year).unwrap();
                        assert_eq!(
                            report.requests,
                            tally_requests(year, format, facts.iter().copied()),
                            "{backend:?} {year}"
                        );
                        let received: i64 = facts
                            .iter()
                            .filter(|f| f.received_on.format("%Y").to_string() == year.to_string())
                            .count() as i64;
                        assert_eq!(report.requests.new[6], Some(received));
                    }
                });
                Ok(())
            })
            .map_err(|e| anyhow::anyhow!("{backend:?}: {e}"))?;
    }
    Ok(())
}

#[tokio::test]
async fn a_year_without_records_is_all_zeros_in_its_format_and_bad_years_are_errors() -> Result<()>
{
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let agency = new_agency(&s, "empty").await?;
        let report = reporting::generate(s.as_ref(), &agency, 2023).await?;
        assert_eq!(report.format, ReportFormat::F2021);
        let mut zeros = gongkai_domain::report::Report::zeros(&agency.name, 2023)?;
        assert_eq!(report.requests, zeros.requests);
        assert_eq!(report.review, zeros.review);
        let json = serde_json::to_value(&report)?;
        assert!(
            json["proactive"]["licensing"]["decisions"].is_null(),
            "unknown figures stay blank"
        );
        assert_eq!(json["proactive"]["rules"]["in_force"], 0);
        zeros.sections = report.sections.clone();
        assert!(
            reporting::generate(s.as_ref(), &agency, 2007)
                .await
                .is_err()
        );
        let r2020 = reporting::generate(s.as_ref(), &agency, 2020).await?;
        assert_eq!(r2020.format, ReportFormat::F2019);
    }
    Ok(())
}

#[tokio::test]
async fn sign_off_freezes_a_version_and_corrections_are_new_versions() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let agency = new_agency(&s, "signed").await?;
        let staff = Actor {
            name: "经办人".into(),
            role: Role::Office,
            agency_id: Some(agency.id),
            department_id: None,
            supervised: Vec::new(),
        };
        let head = Actor {
            name: "负责人".into(),
            role: Role::Head,
            agency_id: Some(agency.id),
            department_id: None,
            supervised: Vec::new(),
        };
        s.add_review_case(
            agency.id,
            None,
            ReviewFact {
                kind: ReviewKind::Reconsideration,
                filed_on: d("2024-03-01"),
                decided: Some((d("2024-05-01"), ReviewResult::Upheld)),
            },
            &staff,
        )
        .await?;
        // The generated report leaves section 五 to be written: it is not published.
        let v0 = reporting::save_draft(s.as_ref(), &agency, 2024, &staff).await?;
        let v0 = s.approve_report(v0.id, &head).await?;
        let refused = reporting::publish(s.as_ref(), &v0, vec![], &head).await;
        let Err(StoreError::Domain(e)) = refused else {
            panic!("placeholder text published: {refused:?}");
        };
        assert_eq!(e.field(), "sections.problems", "{e}");
        assert!(e.reason().contains("（待填写）"), "{e}");
        let starter = reporting::generate(s.as_ref(), &agency, 2024)
            .await?
            .sections
            .unwrap_or_default();
        let written = Sections {
            problems: "公开形式还不够丰富。下步将完善制度建设。".into(),
            ..starter
        };
        s.save_sections(agency.id, 2024, &written, &staff).await?;
        let v1 = reporting::save_draft(s.as_ref(), &agency, 2024, &staff).await?;
        let published_early = reporting::publish(s.as_ref(), &v1, vec![], &head).await;
        assert!(published_early.is_err(), "a draft is not published");
        let v1 = s.approve_report(v1.id, &head).await?;
        let v1 = reporting::publish(
            s.as_ref(),
            &v1,
            vec![("md".into(), b"# report".to_vec())],
            &head,
        )
        .await?;
        assert_eq!(v1.files.len(), 1);
        assert!(
            s.approve_report(v1.id, &head).await.is_err(),
            "published is frozen"
        );
        assert_eq!(
            s.report_file(v1.id, "md").await?.as_deref(),
            Some(&b"# report"[..])
        );
        let v2 = reporting::save_draft(s.as_ref(), &agency, 2024, &staff).await?;
        assert_eq!(v2.version, 3, "the refused version 1 stays a record");
        let all = s.report_versions(agency.id, 2024).await?;
        assert_eq!(all.len(), 3);
        assert_eq!(
            all[1].json_sha256, v1.json_sha256,
            "the published version is unchanged"
        );
        // A version whose figures break an R-rule is refused.
        let mut bad: gongkai_domain::report::Report = serde_json::from_str(&v2.report_json)?;
        bad.review.reconsideration.total = Some(5);
        let bad = s
            .save_report_draft(agency.id, 2024, &serde_json::to_string(&bad)?, &staff)
            .await?;
        let bad = s.approve_report(bad.id, &head).await?;
        let refused = reporting::publish(s.as_ref(), &bad, vec![], &head).await;
        assert!(refused.unwrap_err().to_string().contains("R4"));
    }
    Ok(())
}

#[tokio::test]
async fn the_registers_of_tables_1_and_3_and_the_sections_are_read_per_agency_and_year()
-> Result<()> {
    use gongkai_domain::report::{DocumentCounts, Sections};
    use gongkai_store::{NewPublication, PublicationKind, Statistic};
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let admin = Actor::system();
        let mut ids = Vec::new();
        for slug in ["agency-a", "agency-b"] {
            ids.push(new_agency(&s, slug).await?.id);
        }
        let (a, b) = (ids[0], ids[1]);
        let publication =
            |kind, issued: &str, published: Option<&str>, repealed: Option<&str>| NewPublication {
                kind,
                title: "某某办法".into(),
                doc_number: None,
                issued_on: d(issued),
                published_on: published.map(d),
                repealed_on: repealed.map(d),
            };
        // Agency a, 2024: a rule made and published in 2024; a normative document of 2023 repealed
        // in 2024; one made in 2024 but not yet published.
        s.add_publication(
            a,
            publication(
                PublicationKind::Rule,
                "2024-03-01",
                Some("2024-03-05"),
                None,
            ),
            &admin,
        )
        .await?;
        s.add_publication(
            a,
            publication(
                PublicationKind::NormativeDocument,
                "2023-05-01",
                Some("2023-05-02"),
                Some("2024-06-30"),
            ),
            &admin,
        )
        .await?;
        s.add_publication(
            a,
            publication(PublicationKind::NormativeDocument, "2024-12-30", None, None),
            &admin,
        )
        .await?;
        s.add_publication(
            b,
            publication(
                PublicationKind::Rule,
                "2024-01-10",
                Some("2024-01-11"),
                None,
            ),
            &admin,
        )
        .await?;
        for (key, value) in [
            ("penalty.decisions", 8.0),
            ("fees.amount_wan_yuan", 96171.6),
        ] {
            s.set_statistic(
                a,
                2024,
                Statistic {
                    key: key.into(),
                    value,
                    source: "执法系统".into(),
                },
                &admin,
            )
            .await?;
        }
        s.set_statistic(
            a,
            2023,
            Statistic {
                key: "penalty.decisions".into(),
                value: 3.0,
                source: "x".into(),
            },
            &admin,
        )
        .await?;
        let sections = Sections {
            overview: "总体情况".into(),
            problems: "存在问题".into(),
            other: "其他事项".into(),
        };
        s.save_sections(a, 2024, &sections, &admin).await?;
        let case = |kind, filed: &str, decided: Option<(&str, ReviewResult)>| ReviewFact {
            kind,
            filed_on: d(filed),
            decided: decided.map(|(on, r)| (d(on), r)),
        };
        let pending = s
            .add_review_case(
                a,
                None,
                case(ReviewKind::Reconsideration, "2024-11-01", None),
                &admin,
            )
            .await?;
        s.add_review_case(
            a,
            None,
            case(
                ReviewKind::LitigationDirect,
                "2023-02-01",
                Some(("2023-08-01", ReviewResult::Upheld)),
            ),
            &admin,
        )
        .await?;
        let other = s
            .add_review_case(
                b,
                None,
                case(
                    ReviewKind::Reconsideration,
                    "2024-02-01",
                    Some(("2024-03-01", ReviewResult::Corrected)),
                ),
                &admin,
            )
            .await?;

        let r = s.report_registers(Some(a), 2024).await?;
        assert_eq!(
            r.rules,
            DocumentCounts {
                issued: 1,
                published: 1,
                total_published: 1,
                repealed: 0,
                in_force: 1
            },
            "{backend:?}"
        );
        assert_eq!(
            r.normative,
            DocumentCounts {
                issued: 1,
                published: 0,
                total_published: 0,
                repealed: 1,
                in_force: 1
            },
            "{backend:?}"
        );
        let stats: Vec<(&str, f64)> = r
            .statistics
            .iter()
            .map(|x| (x.key.as_str(), x.value))
            .collect();
        assert_eq!(
            stats,
            [
                ("fees.amount_wan_yuan", 96171.6),
                ("penalty.decisions", 8.0)
            ],
            "{backend:?}"
        );
        assert_eq!(r.sections, Some(sections.clone()));
        let cases: Vec<i64> = r.review_cases.iter().map(|c| c.id).collect();
        assert_eq!(
            cases,
            [pending],
            "the 2023 decision is not in 2024: {backend:?}"
        );

        let all = s.report_registers(None, 2024).await?;
        assert_eq!(all.rules.issued, 2, "{backend:?}");
        assert_eq!(all.normative.repealed, 1);
        assert!(
            all.statistics.is_empty() && all.sections.is_none(),
            "per-agency registers"
        );
        let cases: Vec<i64> = all.review_cases.iter().map(|c| c.id).collect();
        assert_eq!(cases, [pending, other]);

        let empty = s.report_registers(Some(b), 2023).await?;
        assert_eq!(empty.rules, DocumentCounts::default());
        assert!(
            empty.review_cases.is_empty()
                && empty.statistics.is_empty()
                && empty.sections.is_none()
        );
    }
    Ok(())
}
