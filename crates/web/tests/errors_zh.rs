//! Every API error carries Chinese beside its English (issue 9, section 2): `message_zh` beside
//! `message`, and `rule_zh` beside each field's `rule`, so a citizen-facing client never shows
//! an English sentence. The real server on a random port, a fresh database per backend.

mod common;

use anyhow::Result;
use gongkai_store::testing::{Backend, fresh_with_clock};
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn assert_zh(body: &Value) {
    let zh = body["message_zh"].as_str().unwrap_or_default();
    assert!(has_chinese(zh), "message_zh in Chinese: {body}");
    assert!(
        body["message"].as_str().is_some(),
        "the English stays: {body}"
    );
    for e in body["errors"].as_array().into_iter().flatten() {
        let rule_zh = e["rule_zh"].as_str().unwrap_or_default();
        assert!(has_chinese(rule_zh), "rule_zh in Chinese: {e}");
        assert!(e["rule"].as_str().is_some() && e["field"].as_str().is_some());
    }
}

#[tokio::test]
async fn every_error_answer_has_its_chinese_message_and_rules() -> Result<()> {
    for backend in Backend::all() {
        let today = common::clock();
        let ts = fresh_with_clock(backend, today.clone()).await?;
        let store = ts.store.clone();
        let agency =
            gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局")
                .await?;
        let staff = store
            .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
            .await?;
        let (base, _) = common::serve(
            store,
            today,
            gongkai_web::ServerLimits::without_rate_limits(),
        )
        .await?;
        let http = reqwest::Client::new();

        // 422: a wrong ID checksum and a missing description, each field with its Chinese rule.
        let r = http
            .post(format!("{base}/api/v1/agencies/fuxin-zrzyj/requests"))
            .json(&json!({
                "applicant": {"kind": "natural_person", "name": "李四",
                              "id_number": "110105194912310021", "phone": "13800138000"},
                "description": "",
                "delivery": "collect"
            }))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await?;
        assert_zh(&body);
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(
            fields.contains(&"applicant.id_number") && fields.contains(&"description"),
            "{body}"
        );

        // 400 (not JSON), 404, 401, 403 (an extension is the head's), 405.
        let r = http
            .post(format!("{base}/api/v1/agencies/fuxin-zrzyj/requests"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_zh(&r.json().await?);
        let r = http
            .get(format!(
                "{base}/api/v1/requests/nope-2025-00001?query_code=ABCDEFGHJK"
            ))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_zh(&r.json().await?);
        let r = http
            .get(format!("{base}/api/v1/staff/agencies/fuxin-zrzyj/requests"))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_zh(&r.json().await?);
        let r = http
            .post(format!("{base}/api/v1/staff/agencies/fuxin-zrzyj/requests"))
            .bearer_auth(&staff)
            .json(&json!({
                "applicant": {"kind": "natural_person", "name": "李四",
                              "id_number": "11010519491231002X", "phone": "13800138000"},
                "description": "2020年某地块征收补偿方案",
                "channel": "in_person", "delivery": "collect", "arrived_on": "2025-06-09"
            }))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::CREATED);
        let number = r.json::<Value>().await?["number"]
            .as_str()
            .unwrap()
            .to_string();
        let r = http
            .post(format!("{base}/api/v1/staff/requests/{number}/events"))
            .bearer_auth(&staff)
            .json(&json!({"type": "extended", "on": "2025-06-09", "days": 20, "reason": "需调取档案"}))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_zh(&r.json().await?);
        let r = http
            .delete(format!("{base}/api/v1/agencies/fuxin-zrzyj/requests"))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_zh(&r.json().await?);
        drop(ts);
    }
    Ok(())
}
