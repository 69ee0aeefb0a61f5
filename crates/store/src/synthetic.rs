//! `gongkai seed-synthetic`: many agencies and a realistic mix of requests for benchmarks and
//! load tests. Applicant kinds and outcomes follow the proportions typical of published reports;
//! requests are spread over four years, so many span a year end; a few stay open.

use crate::{Actor, NewAgency, Result, SeedRequest, Store};
use chrono::{Datelike, Duration, NaiveDate};
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::fee::FeeBasis;
use gongkai_domain::outcome::{NotProcessedReason, Outcome, UnableReason, WithholdGround};
use gongkai_domain::request::{AbandonReason, Event};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// First and last day of receipt.
pub const FIRST_DAY: (i32, u32, u32) = (2022, 1, 1);
pub const DAYS: i64 = 4 * 365;

const KINDS: [(ApplicantKind, u32); 6] = [
    (ApplicantKind::NaturalPerson, 850),
    (ApplicantKind::Commercial, 80),
    (ApplicantKind::Research, 10),
    (ApplicantKind::SocialWelfare, 10),
    (ApplicantKind::LegalServices, 30),
    (ApplicantKind::OtherOrg, 20),
];

/// What becomes of a request, per mille.
#[derive(Clone, Copy)]
enum Fate {
    Answer(Outcome),
    Withdrawn,
    NoCorrection,
    FeeUnpaid,
    StillOpen,
}

const FATES: [(Fate, u32); 16] = [
    (Fate::Answer(Outcome::Disclosed), 430),
    (Fate::Answer(Outcome::PartiallyDisclosed), 110),
    (
        Fate::Answer(Outcome::Withheld(WithholdGround::ThirdPartyRights)),
        20,
    ),
    (
        Fate::Answer(Outcome::Withheld(WithholdGround::ProcessInformation)),
        25,
    ),
    (
        Fate::Answer(Outcome::Withheld(WithholdGround::AdministrativeQuery)),
        40,
    ),
    (
        Fate::Answer(Outcome::Withheld(WithholdGround::InternalAffairs)),
        10,
    ),
    (
        Fate::Answer(Outcome::UnableToProvide(UnableReason::NotHeld)),
        160,
    ),
    (
        Fate::Answer(Outcome::UnableToProvide(UnableReason::NeedsCreation)),
        30,
    ),
    (
        Fate::Answer(Outcome::NotProcessed(
            NotProcessedReason::PetitionOrComplaint,
        )),
        30,
    ),
    (
        Fate::Answer(Outcome::NotProcessed(NotProcessedReason::Duplicate)),
        25,
    ),
    (
        Fate::Answer(Outcome::NotProcessed(NotProcessedReason::ConfirmOrReissue)),
        10,
    ),
    (
        Fate::Answer(Outcome::NotProcessed(NotProcessedReason::Excessive)),
        5,
    ),
    (Fate::Withdrawn, 45),
    (Fate::NoCorrection, 30),
    (Fate::FeeUnpaid, 5),
    (Fate::StillOpen, 25),
];

fn pick<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|e| e.1).sum();
    let mut x = rng.gen_range(0..total);
    for (v, w) in table {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// The events after receipt for a fate.
fn ledger(rng: &mut StdRng, cal: &Calendar, received: NaiveDate, fate: Fate) -> Vec<Event> {
    let after = |n: u32| cal.add_working_days(received, n);
    match fate {
        Fate::Answer(outcome) => vec![Event::Answered {
            on: after(rng.gen_range(1..=20)),
            outcome,
            letter_no: None,
        }],
        Fate::Withdrawn => vec![Event::Withdrawn {
            on: after(rng.gen_range(1..=15)),
        }],
        Fate::NoCorrection => {
            let on = after(rng.gen_range(1..=7));
            let correct_by = cal.add_working_days(on, 10);
            vec![
                Event::CorrectionRequested {
                    on,
                    items: "请明确所需信息".into(),
                    correct_by,
                },
                Event::DeemedAbandoned {
                    on: correct_by + Duration::days(1),
                    reason: AbandonReason::NoCorrection,
                },
            ]
        }
        Fate::FeeUnpaid if received.year() >= 2021 => {
            let on = after(rng.gen_range(1..=10));
            let basis = FeeBasis::ByPages { pages: 40 };
            vec![
                Event::FeeNoticed {
                    on,
                    basis,
                    amount_yuan: 100,
                },
                Event::DeemedAbandoned {
                    on: cal.add_working_days(on, 21),
                    reason: AbandonReason::FeeUnpaid,
                },
            ]
        }
        Fate::FeeUnpaid | Fate::StillOpen => vec![],
    }
}

/// Creates `agencies` agencies (`synthetic-0001`, …) and `requests` requests among them, in
/// batches; `progress` is told how many requests are stored so far.
pub async fn seed(
    store: &dyn Store,
    agencies: usize,
    requests: usize,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<Vec<i64>> {
    let admin = Actor::system();
    let mut ids = Vec::with_capacity(agencies);
    for i in 1..=agencies {
        let slug = format!("synthetic-{i:04}");
        let agency = match store.agency(&slug).await? {
            Some(a) => a,
            None => {
                store
                    .create_agency(
                        NewAgency {
                            slug,
                            name: format!("合成机关{i:04}"),
                            is_government: i % 10 == 0,
                        },
                        &admin,
                    )
                    .await?
            }
        };
        ids.push(agency.id);
    }
    // A few agencies get most requests (weights ~ 1/rank^0.8), as in real deployments.
    let weights: Vec<f64> = (1..=agencies).map(|r| 1.0 / (r as f64).powf(0.8)).collect();
    let total_weight: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(agencies);
    let mut acc = 0.0;
    for w in &weights {
        acc += w / total_weight;
        cumulative.push(acc);
    }
    let cal = store.current_calendar().await?;
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("valid");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut done = 0u64;
    let batch = 5_000;
    while (done as usize) < requests {
        let n = batch.min(requests - done as usize);
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let x: f64 = rng.r#gen();
            let a = cumulative.partition_point(|c| *c < x).min(agencies - 1);
            let mut received = first + Duration::days(rng.gen_range(0..DAYS));
            while !cal.is_working_day(received) {
                received += Duration::days(1);
            }
            let kind = pick(&mut rng, &KINDS);
            let fate = pick(&mut rng, &FATES);
            rows.push(SeedRequest {
                agency_id: ids[a],
                kind,
                name: if kind.is_natural_person() {
                    "某某".into()
                } else {
                    "某单位".into()
                },
                received_on: received,
                events: ledger(&mut rng, &cal, received, fate),
            });
        }
        store.bulk_seed(&rows, &admin).await?;
        done += n as u64;
        progress(done);
    }
    Ok(ids)
}
