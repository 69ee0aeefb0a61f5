//! One scenario per row of the clock table of `regulation.md`, each outcome into its report row,
//! carry-over across the year end, and the fee tiers.

use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::deadline::{
    ClockInput, Pause, Regime, annual_report_due, answer_deadline, proactive_publication_due,
};
use gongkai_domain::fee::{FeeBasis, fee_by_count, fee_by_pages};
use gongkai_domain::outcome::{OtherReason, Outcome};
use gongkai_domain::report::{ReportFormat, RequestFact, tally_requests};
use gongkai_domain::request::{AbandonReason, CaseState, Channel, ConsultedParty, Event, Status};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> Calendar {
    Calendar::embedded()
}

fn received(on: &str) -> Event {
    Event::Received {
        on: d(on),
        channel: Channel::InPerson,
    }
}

#[test]
fn working_day_includes_make_up_weekends_and_excludes_holidays() {
    // 2023-04-23 (Sunday) was a 劳动节 make-up day; 2023-05-01..03 were off.
    let c = cal();
    assert!(c.is_working_day(d("2023-04-23")));
    assert!(!c.is_working_day(d("2023-05-02")));
    assert_eq!(c.add_working_days(d("2023-04-22"), 1), d("2023-04-23"));
}

#[test]
fn first_day_is_not_counted() {
    let dl = answer_deadline(&cal(), &ClockInput::new(d("2025-03-03"))).unwrap();
    assert_eq!(dl.days[0].date, d("2025-03-04"));
    assert_eq!(dl.due_on, Some(d("2025-03-31")));
}

#[test]
fn art31_receipt_date_decides_the_clock() {
    let post = Channel::PostSigned
        .receipt_date(d("2025-03-03"), Some(d("2025-03-05")))
        .unwrap();
    let dl = answer_deadline(&cal(), &ClockInput::new(post)).unwrap();
    assert_eq!(dl.counted_from, d("2025-03-05"));
}

#[test]
fn art33_answer_in_20_working_days_and_extension_once_by_at_most_20() {
    let c = cal();
    // Received before the 2025 Spring Festival (01-28..02-04 off; 01-26 and 02-08 worked).
    let dl = answer_deadline(&c, &ClockInput::new(d("2025-01-20"))).unwrap();
    assert_eq!(
        dl.due_on,
        Some(d("2025-02-21")),
        "01-26 (Sun) and 02-08 (Sat) count, 01-28..02-04 do not"
    );
    let events = [
        received("2025-01-20"),
        Event::Extended {
            on: d("2025-02-20"),
            approver: "公开办负责人".into(),
            days: 20,
            reason: "档案调取".into(),
        },
    ];
    let s = CaseState::replay(&c, &events).unwrap();
    assert_eq!(
        s.answer_deadline(&c).due_on,
        Some(c.add_working_days(d("2025-02-21"), 20))
    );
}

#[test]
fn art30_correction_within_7_working_days_restarts_the_clock_else_abandoned() {
    let c = cal();
    let s = CaseState::replay(&c, &[received("2025-09-26")]).unwrap();
    // 7 working days after Fri 2025-09-26: 09-28 (Sun, make-up), 09-29, 09-30, then 10-09 (Thu) …
    assert_eq!(s.correction_notice_due(&c), d("2025-10-13"));
    let events = [
        received("2025-09-26"),
        Event::CorrectionRequested {
            on: d("2025-10-13"),
            items: "请说明文件名称".into(),
            correct_by: d("2025-10-27"),
        },
        Event::DeemedAbandoned {
            on: d("2025-10-28"),
            reason: AbandonReason::NoCorrection,
        },
    ];
    let s = CaseState::replay(&c, &events).unwrap();
    assert_eq!(s.status, Status::Abandoned);
}

#[test]
fn art32_34_consultations_have_15_working_days_and_stop_the_clock() {
    let c = cal();
    for party in [ConsultedParty::ThirdParty, ConsultedParty::CoMakerAgency] {
        let s = CaseState::replay(
            &c,
            &[
                received("2025-03-03"),
                Event::ConsultationStarted {
                    on: d("2025-03-05"),
                    party,
                    with: "某单位".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(s.consultation_reply_due(&c), Some(d("2025-03-26")));
        assert_eq!(s.answer_deadline(&c).due_on, None);
        assert_eq!(s.answer_deadline(&c).days_left_when_paused, Some(18));
    }
}

#[test]
fn fee_notice_payment_within_20_working_days_from_the_day_after() {
    let c = cal();
    let events = [
        received("2025-03-03"),
        Event::FeeNoticed {
            on: d("2025-03-04"),
            basis: FeeBasis::ByCount { ordinal: 11 },
            amount_yuan: 100,
        },
    ];
    let s = CaseState::replay(&c, &events).unwrap();
    assert_eq!(s.fee_payment_due(&c), Some(d("2025-04-01")));
    let mut late = events.to_vec();
    late.push(Event::DeemedAbandoned {
        on: d("2025-04-01"),
        reason: AbandonReason::FeeUnpaid,
    });
    assert!(
        CaseState::replay(&c, &late).is_err(),
        "not yet abandoned on the last day to pay"
    );
}

#[test]
fn art26_proactive_publication_within_20_working_days() {
    let (due, provisional) = proactive_publication_due(&cal(), d("2025-03-03"));
    assert_eq!(due, d("2025-03-31"));
    assert!(!provisional);
}

#[test]
fn art49_annual_report_dates() {
    assert_eq!(annual_report_due(2024, false), Some(d("2025-01-31")));
    assert_eq!(annual_report_due(2024, true), Some(d("2025-03-31")));
}

#[test]
fn before_2019_05_15_the_2007_regulation_applies() {
    let mut input = ClockInput::new(d("2018-10-08"));
    input.extension_days = Regime::for_receipt(d("2018-10-08")).max_extension_days();
    let dl = answer_deadline(&cal(), &input).unwrap();
    assert_eq!(dl.counted(), 30);
    input
        .pauses
        .push(Pause::consultation(d("2018-10-09"), d("2018-10-10")));
    assert_eq!(answer_deadline(&cal(), &input).unwrap().counted(), 30);
}

/// Concludes a ledger with `outcome` the way the procedure does it.
fn concluded_with(outcome: Outcome) -> CaseState {
    let c = cal();
    let mut events = vec![received("2025-03-03")];
    match outcome {
        Outcome::Other(OtherReason::NoCorrection) => {
            events.push(Event::CorrectionRequested {
                on: d("2025-03-04"),
                items: "x".into(),
                correct_by: d("2025-03-10"),
            });
            events.push(Event::DeemedAbandoned {
                on: d("2025-03-11"),
                reason: AbandonReason::NoCorrection,
            });
        }
        Outcome::Other(OtherReason::FeeUnpaid) => {
            events.push(Event::FeeNoticed {
                on: d("2025-03-04"),
                basis: FeeBasis::ByPages { pages: 40 },
                amount_yuan: 100,
            });
            events.push(Event::DeemedAbandoned {
                on: d("2025-04-02"),
                reason: AbandonReason::FeeUnpaid,
            });
        }
        Outcome::Other(OtherReason::Other) => events.push(Event::Withdrawn {
            on: d("2025-03-05"),
        }),
        Outcome::UnableToProvide(gongkai_domain::outcome::UnableReason::UnclearAfterCorrection) => {
            events.push(Event::CorrectionRequested {
                on: d("2025-03-04"),
                items: "x".into(),
                correct_by: d("2025-03-10"),
            });
            events.push(Event::Corrected {
                on: d("2025-03-07"),
            });
            events.push(Event::Answered {
                on: d("2025-03-20"),
                outcome,
                letter_no: None,
            });
        }
        _ => events.push(Event::Answered {
            on: d("2025-03-20"),
            outcome,
            letter_no: None,
        }),
    }
    CaseState::replay(&c, &events).unwrap_or_else(|e| panic!("{outcome}: {e}"))
}

#[test]
fn each_outcome_lands_in_its_own_row_in_both_formats() {
    for outcome in Outcome::all() {
        let state = concluded_with(outcome);
        assert_eq!(state.outcome(), Some(outcome));
        let fact = RequestFact {
            kind: ApplicantKind::LegalServices,
            received_on: state.received_on,
            concluded: state.conclusion,
        };
        for format in [ReportFormat::F2019, ReportFormat::F2021] {
            let t = tally_requests(2025, format, [fact]);
            let (group, key) = outcome.report_row(format);
            let path = format!("requests.{group}.{key}")
                .replace("requests.disclosed.disclosed", "requests.disclosed")
                .replace(
                    "requests.partially_disclosed.partially_disclosed",
                    "requests.partially_disclosed",
                );
            let rows = t.outcome_rows();
            let hits: Vec<&str> = rows
                .iter()
                .filter(|r| r.row[4] == Some(1))
                .map(|r| r.path)
                .collect();
            assert_eq!(hits, [path.as_str()], "{outcome} in format {format:?}");
            assert_eq!(t.total[4], Some(1));
            assert_eq!(t.total[6], Some(1));
        }
    }
}

#[test]
fn carry_over_across_the_year_end() {
    let c = cal();
    let s = CaseState::replay(
        &c,
        &[
            received("2024-12-25"),
            Event::Answered {
                on: d("2025-01-08"),
                outcome: Outcome::Disclosed,
                letter_no: None,
            },
        ],
    )
    .unwrap();
    let fact = RequestFact {
        kind: ApplicantKind::NaturalPerson,
        received_on: s.received_on,
        concluded: s.conclusion,
    };
    let y24 = tally_requests(2024, ReportFormat::F2021, [fact]);
    let y25 = tally_requests(2025, ReportFormat::F2021, [fact]);
    assert_eq!(
        (y24.new[0], y24.carried_forward[0], y24.total[0]),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(
        (
            y25.new[0],
            y25.carried_over[0],
            y25.disclosed[0],
            y25.carried_forward[0]
        ),
        (Some(0), Some(1), Some(1), Some(0))
    );
}

#[test]
fn fee_tiers() {
    assert_eq!(fee_by_pages(2219), 83_460);
    for n in 11..=30 {
        assert_eq!(fee_by_count(n), 100);
    }
    assert_eq!(fee_by_count(10), 0);
    assert_eq!(fee_by_count(31), 200);
}
