// The case ledger inside the audit chain (see ledger.rs): which rows an audit entry records, and
// the verification of the chain, the ledger and the projections. Compiled once per backend, like
// sql_impl.rs (which this follows in the same module); portable SQL only.

use std::collections::BTreeMap;

use crate::ledger::{MAX_PROBLEMS, Part, Payload, Problem, Registration, VerifyReport, attachment_hash, event_hash, file_hash, letter_hash, note_hash};

type Conn = <Db as sqlx::Database>::Connection;

/// Rows read per statement while verifying (memory stays bounded over millions of rows).
const ROW_PAGE: i64 = 2000;
/// Audit entries per verification page.
const ENTRY_PAGE: i64 = 1000;
/// Requests per projection-replay page.
const REQUEST_PAGE: i64 = 500;

/// The seq the next audit entry of `tx` will have (the head is locked for the transaction).
async fn next_audit_seq(tx: &mut Tx) -> Result<i64> {
    let head = sqlx::query(LOCK_AUDIT_HEAD).fetch_one(&mut **tx).await?;
    Ok(head.try_get::<i64, _>(0)? + 1)
}

/// Appends an audit entry that commits to the rows naming it in `audit_seq` (written earlier in
/// `tx`), read back with the same code verification runs.
async fn audit_covering(tx: &mut Tx, actor: &Actor, action: &str, object: &str, outcome: &str) -> Result<()> {
    let seq = next_audit_seq(tx).await?;
    let payload = payloads(tx, seq - 1, seq).await?.remove(&seq).unwrap_or_default();
    audit_with(tx, actor, action, object, outcome, Some(&payload.finish())).await
}

/// The payloads of the entries `after < seq <= upto`, from the rows that name them.
async fn payloads(conn: &mut Conn, after: i64, upto: i64) -> Result<BTreeMap<i64, Payload>> {
    let mut out: BTreeMap<i64, Payload> = BTreeMap::new();
    // Requests registered, by (audit_seq, id).
    let (mut at_seq, mut at_id) = (after, 0i64);
    loop {
        let rows = sqlx::query(
            "SELECT audit_seq, id, number, agency_id, department_id, applicant_kind, applicant_name, org_code, id_masked, \
             phone_masked, description, channel, delivery, received_on, document_number, index_number, document_title, medium FROM requests \
             WHERE audit_seq > $1 AND audit_seq <= $2 AND (audit_seq > $3 OR (audit_seq = $3 AND id > $4)) \
             ORDER BY audit_seq, id LIMIT $5",
        )
        .bind(after)
        .bind(upto)
        .bind(at_seq)
        .bind(at_id)
        .bind(ROW_PAGE)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            at_seq = r.try_get(0)?;
            at_id = r.try_get(1)?;
            let (number, kind, name, phone, description, channel, delivery): (String, String, String, String, String, String, String) = (
                r.try_get(2)?,
                r.try_get(5)?,
                r.try_get(6)?,
                r.try_get(9)?,
                r.try_get(10)?,
                r.try_get(11)?,
                r.try_get(12)?,
            );
            let org_code: Option<String> = r.try_get(7)?;
            let id_masked: Option<String> = r.try_get(8)?;
            let details: [Option<String>; 4] = [r.try_get(14)?, r.try_get(15)?, r.try_get(16)?, r.try_get(17)?];
            let hash = Registration {
                number: &number,
                agency_id: r.try_get(3)?,
                department_id: r.try_get(4)?,
                applicant_kind: &kind,
                applicant_name: &name,
                org_code: org_code.as_deref(),
                id_masked: id_masked.as_deref(),
                phone_masked: &phone,
                description: &description,
                channel: &channel,
                delivery: &delivery,
                received_on: r.try_get(13)?,
                document_number: details[0].as_deref(),
                index_number: details[1].as_deref(),
                document_title: details[2].as_deref(),
                medium: details[3].as_deref(),
            }
            .hash();
            out.entry(at_seq).or_default().add(Part::Requests, hash);
        }
        if (rows.len() as i64) < ROW_PAGE {
            break;
        }
    }
    // Ledger events, by (audit_seq, request_id, seq).
    let (mut at_seq, mut at_req, mut at_ev) = (after, 0i64, 0i64);
    loop {
        let rows = sqlx::query(
            "SELECT e.audit_seq, e.request_id, e.seq, COALESCE(r.number, ''), e.kind, e.on_date, e.body, e.actor, e.recorded_at \
             FROM request_events e LEFT JOIN requests r ON r.id = e.request_id \
             WHERE e.audit_seq > $1 AND e.audit_seq <= $2 \
             AND (e.audit_seq > $3 OR (e.audit_seq = $3 AND (e.request_id > $4 OR (e.request_id = $4 AND e.seq > $5)))) \
             ORDER BY e.audit_seq, e.request_id, e.seq LIMIT $6",
        )
        .bind(after)
        .bind(upto)
        .bind(at_seq)
        .bind(at_req)
        .bind(at_ev)
        .bind(ROW_PAGE)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            at_seq = r.try_get(0)?;
            at_req = r.try_get(1)?;
            at_ev = r.try_get(2)?;
            let number: String = r.try_get(3)?;
            let kind: String = r.try_get(4)?;
            let body: String = r.try_get(6)?;
            let actor: String = r.try_get(7)?;
            let recorded: String = r.try_get(8)?;
            let hash = event_hash(&number, at_ev, &kind, r.try_get(5)?, &body, &actor, &recorded);
            out.entry(at_seq).or_default().add(Part::Events, hash);
        }
        if (rows.len() as i64) < ROW_PAGE {
            break;
        }
    }
    // Published report files (a handful per entry).
    let rows = rows_in_range(
        conn,
        "SELECT audit_seq, version_id, format, sha256 FROM report_files WHERE audit_seq > $1 AND audit_seq <= $2 \
         ORDER BY audit_seq, version_id, format",
        after,
        upto,
    )
    .await?;
    for r in &rows {
        let seq: i64 = r.try_get(0)?;
        let format: String = r.try_get(2)?;
        let sha: String = r.try_get(3)?;
        out.entry(seq).or_default().add(Part::Files, file_hash(r.try_get(1)?, &format, &sha));
    }
    // Letters (one per event at most).
    let rows = rows_in_range(
        conn,
        "SELECT l.audit_seq, COALESCE(r.number, ''), l.event_seq, l.kind, l.letter_no, l.pdf_sha256, l.docx_sha256 \
         FROM letters l LEFT JOIN requests r ON r.id = l.request_id WHERE l.audit_seq > $1 AND l.audit_seq <= $2 \
         ORDER BY l.audit_seq, l.request_id, l.event_seq",
        after,
        upto,
    )
    .await?;
    for r in &rows {
        let seq: i64 = r.try_get(0)?;
        let (number, kind, no, pdf, docx): (String, String, String, String, String) =
            (r.try_get(1)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?, r.try_get(6)?);
        out.entry(seq).or_default().add(Part::Letters, letter_hash(&number, r.try_get(2)?, &kind, &no, &pdf, &docx));
    }
    // Internal notes (one per entry).
    let rows = rows_in_range(
        conn,
        "SELECT n.audit_seq, COALESCE(r.number, ''), n.id, n.author, n.written_at, n.body \
         FROM request_notes n LEFT JOIN requests r ON r.id = n.request_id WHERE n.audit_seq > $1 AND n.audit_seq <= $2 \
         ORDER BY n.audit_seq, n.id",
        after,
        upto,
    )
    .await?;
    for r in &rows {
        let seq: i64 = r.try_get(0)?;
        let (number, author, at, body): (String, String, String, String) =
            (r.try_get(1)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
        out.entry(seq).or_default().add(Part::Notes, note_hash(&number, r.try_get(2)?, &author, &at, &body));
    }
    // Attachments (one per upload).
    let rows = rows_in_range(
        conn,
        "SELECT a.audit_seq, COALESCE(r.number, ''), a.id, a.purpose, a.name, a.mime, a.size, a.sha256, a.uploaded_by, a.uploaded_at \
         FROM attachments a LEFT JOIN requests r ON r.id = a.request_id WHERE a.audit_seq > $1 AND a.audit_seq <= $2 \
         ORDER BY a.audit_seq, a.id",
        after,
        upto,
    )
    .await?;
    for r in &rows {
        let seq: i64 = r.try_get(0)?;
        let texts: [String; 7] =
            [r.try_get(1)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?];
        let [number, purpose, name, mime, sha, by, at] = &texts;
        let hash = attachment_hash(number, r.try_get(2)?, purpose, name, mime, r.try_get(6)?, sha, by, at);
        out.entry(seq).or_default().add(Part::Attachments, hash);
    }
    Ok(out)
}

/// The rows of `sql` — a query over one part of the payload whose `$1` and `$2` bound its
/// `audit_seq` (after `after`, up to `upto`) — for [`payloads`].
async fn rows_in_range(conn: &mut Conn, sql: &'static str, after: i64, upto: i64) -> Result<Vec<DbRow>> {
    Ok(sqlx::query(sql).bind(after).bind(upto).fetch_all(&mut *conn).await?)
}

/// Compares the payload an entry committed to with the rows now naming it.
fn check_payload(report: &mut VerifyReport, e: &AuditEntry, found: Option<Payload>) {
    let counts = found.as_ref().map_or([0; 3], Payload::counts);
    report.events += counts[1];
    let empty = found.as_ref().is_none_or(Payload::is_empty);
    let digest = found.unwrap_or_default().finish();
    match &e.payload_hash {
        Some(committed) if digest != *committed => report.push(Problem::entry(
            e.seq,
            format!(
                "{} {}: the rows it records were changed, removed or added behind the store \
                 (now {} request rows, {} event rows, {} report files)",
                e.action, e.object, counts[0], counts[1], counts[2]
            ),
        )),
        None if !empty => report.push(Problem::entry(
            e.seq,
            format!(
                "{} {}: {} request rows, {} event rows and {} report files claim to be recorded by this entry, \
                 which records none (rows inserted behind the store)",
                e.action, e.object, counts[0], counts[1], counts[2]
            ),
        )),
        _ => {}
    }
}

impl SqlStore {
    /// Marks a request row as registered by the audit entry `tx` appends next.
    async fn cover_request(tx: &mut Tx, request_id: i64) -> Result<()> {
        let seq = next_audit_seq(tx).await?;
        sqlx::query("UPDATE requests SET audit_seq = $1 WHERE id = $2").bind(seq).bind(request_id).execute(&mut **tx).await?;
        Ok(())
    }

    /// The chain head (seq, hash).
    async fn head(&self) -> Result<(i64, String)> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((head.try_get(0)?, head.try_get(1)?))
    }

    /// A published file, served only if its bytes still hash to the stored digest and that digest
    /// is the one the publication's audit entry committed to. A mismatch is logged, audited
    /// (`report.file_tampered`) and refused.
    async fn checked_report_file(&self, version_id: i64, format: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT body, sha256, audit_seq FROM report_files WHERE version_id = $1 AND format = $2")
            .bind(version_id)
            .bind(format)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let body: Vec<u8> = row.try_get(0)?;
        let stored: String = row.try_get(1)?;
        let audit_seq: Option<i64> = row.try_get(2)?;
        let actual = sha256_hex(&body);
        let mut why = None;
        if !digest_eq(&actual, &stored) {
            why = Some(format!("its bytes hash to {actual}, the stored digest is {stored}"));
        } else if let Some(seq) = audit_seq.filter(|s| *s > 0) {
            if !self.entry_still_commits(seq).await? {
                why = Some(format!("the published files differ from those audit entry {seq} recorded"));
            }
        } else if audit_seq.is_none() {
            why = Some("the file names no audit entry (inserted behind the store)".into());
        }
        if let Some(why) = why {
            let object = format!("report_version:{version_id}/{format}");
            tracing::error!(version_id, format, %why, "published report file tampered with; not served");
            self.audit_rejection(&Actor::system(), "report.file_tampered", &object, &why).await?;
            return Err(StoreError::Corrupt(format!("published report file {object}: {why}")));
        }
        Ok(Some(body))
    }

    /// Whether the rows naming audit entry `seq` still hash to the payload it committed to.
    async fn entry_still_commits(&self, seq: i64) -> Result<bool> {
        let mut conn = self.pool.acquire().await?;
        let committed: Option<Option<String>> = sqlx::query("SELECT payload_hash FROM audit_log WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let now = payloads(&mut conn, seq - 1, seq).await?.remove(&seq).unwrap_or_default().finish();
        Ok(committed.flatten().as_deref() == Some(now.as_str()))
    }

    /// An attachment's bytes, served only while they hash to the recorded digest and the row is
    /// what its upload's audit entry committed to; a missing or changed file, or a changed row,
    /// is logged, audited (`attachment.file_tampered`) and refused.
    async fn checked_attachment(&self, request_id: i64, id: i64) -> Result<Option<(crate::attachments::AttachmentInfo, Vec<u8>)>> {
        let row = sqlx::query(attachment_select!("WHERE a.request_id = $1 AND a.id = $2"))
            .bind(request_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let info = attachment_from_row(&row)?;
        let audit_seq: i64 = row.try_get(9)?;
        let files = self.attachment_dir()?.clone();
        let sha = info.sha256.clone();
        let bytes = tokio::task::spawn_blocking(move || files.read(&sha))
            .await
            .map_err(|e| StoreError::Config(format!("reading an attachment: {e}")))??;
        let why = match &bytes {
            None => Some("its file is missing from the attachment directory".to_string()),
            Some(b) if !digest_eq(&sha256_hex(b), &info.sha256) => {
                Some(format!("its file hashes to {}, the recorded digest is {}", sha256_hex(b), info.sha256))
            }
            Some(_) if !self.entry_still_commits(audit_seq).await? => {
                Some(format!("the attachment row differs from what audit entry {audit_seq} recorded"))
            }
            Some(_) => None,
        };
        if let Some(why) = why {
            let object = format!("attachment:{request_id}/{id}");
            tracing::error!(request_id, attachment = id, %why, "attachment tampered with; not served");
            self.audit_rejection(&Actor::system(), "attachment.file_tampered", &object, &why).await?;
            return Err(StoreError::Corrupt(format!("attachment {object}: {why}")));
        }
        Ok(bytes.map(|b| (info, b)))
    }

    /// Verifies the chain, the rows each entry records, and every request's projection.
    async fn verify_all(&self) -> Result<VerifyReport> {
        let mut report = VerifyReport::default();
        self.verify_chain_and_payloads(&mut report).await?;
        self.verify_uncovered(&mut report).await?;
        self.verify_projections(&mut report).await?;
        self.verify_file_bytes(&mut report).await?;
        Ok(report)
    }

    async fn verify_chain_and_payloads(&self, report: &mut VerifyReport) -> Result<()> {
        let mut prev: Option<AuditEntry> = None;
        let mut chain_broken = false;
        loop {
            let after = prev.as_ref().map_or(0, |e| e.seq);
            let page = self.audit_entries(after, ENTRY_PAGE).await?;
            let Some(last) = page.last().cloned() else { break };
            if !chain_broken && let ChainCheck::Broken { seq, reason } = verify_chain_after(prev.as_ref(), &page) {
                report.push(Problem::entry(seq, format!("the chain is broken: {reason}")));
                chain_broken = true;
            }
            let mut conn = self.pool.acquire().await?;
            let mut found = payloads(&mut conn, after, last.seq).await?;
            drop(conn);
            for e in &page {
                check_payload(report, e, found.remove(&e.seq));
            }
            for (seq, p) in found {
                let c = p.counts();
                report.push(Problem::entry(
                    seq,
                    format!("{} request rows, {} event rows and {} report files name this entry, which is not in the log", c[0], c[1], c[2]),
                ));
            }
            report.entries += page.len() as u64;
            prev = Some(last);
        }
        let (head_seq, head_hash) = self.head().await?;
        let last_hash = prev.as_ref().map_or_else(|| crate::audit::GENESIS.to_string(), |e| e.hash.clone());
        let last_seq = prev.as_ref().map_or(0, |e| e.seq);
        if head_seq != last_seq || head_hash != last_hash {
            report.push(Problem::entry(
                last_seq + 1,
                format!("the chain head says {head_seq} entries, the log ends at {last_seq}: rows were removed at the end"),
            ));
        }
        report.head_seq = last_seq;
        report.head_hash = last_hash;
        Ok(())
    }

    /// Rows that name no entry of the log, and the rows recorded before the ledger was chained.
    async fn verify_uncovered(&self, report: &mut VerifyReport) -> Result<()> {
        let last = report.head_seq;
        for (table, key) in [
            ("requests", "number"),
            ("request_events", "CAST(request_id AS TEXT) || '/' || CAST(seq AS TEXT)"),
            ("report_files", "CAST(version_id AS TEXT) || '/' || format"),
            ("letters", "CAST(request_id AS TEXT) || '/' || CAST(event_seq AS TEXT)"),
            ("request_notes", "CAST(request_id AS TEXT) || '/' || CAST(id AS TEXT)"),
            ("attachments", "CAST(request_id AS TEXT) || '/' || CAST(id AS TEXT)"),
        ] {
            // Three range probes of the audit_seq index (an OR would scan the table).
            let sql = format!(
                "SELECT * FROM (SELECT {key}, audit_seq FROM {table} WHERE audit_seq IS NULL \
                 UNION ALL SELECT {key}, audit_seq FROM {table} WHERE audit_seq < 0 \
                 UNION ALL SELECT {key}, audit_seq FROM {table} WHERE audit_seq > $1) AS uncovered LIMIT {MAX_PROBLEMS}"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(last).fetch_all(&self.pool).await?;
            // Rows committed since the walk come with their (later) entries: read the head after
            // the rows and leave those out.
            let (now_head, _) = self.head().await?;
            for r in &rows {
                let what: String = r.try_get(0)?;
                let seq: Option<i64> = r.try_get(1)?;
                if seq.is_some_and(|s| s > last && s <= now_head) {
                    continue;
                }
                let names = seq.map_or_else(|| "no audit entry".to_string(), |s| format!("audit entry {s}, which is not in the log"));
                report.push(Problem {
                    seq,
                    request: None,
                    field: Some(format!("{table}.audit_seq")),
                    message: format!("{table} row {what} names {names} (inserted behind the store)"),
                });
            }
        }
        let legacy = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM requests WHERE audit_seq = 0), (SELECT COUNT(*) FROM request_events WHERE audit_seq = 0), \
             (SELECT requests FROM ledger_legacy WHERE id = 1), (SELECT events FROM ledger_legacy WHERE id = 1)",
        )
        .fetch_one(&self.pool)
        .await?;
        let (requests, events): (i64, i64) = (legacy.try_get(0)?, legacy.try_get(1)?);
        let (was_requests, was_events): (Option<i64>, Option<i64>) = (legacy.try_get(2)?, legacy.try_get(3)?);
        report.legacy_events = events.max(0) as u64;
        if Some(requests) != was_requests || Some(events) != was_events {
            report.push(Problem {
                seq: None,
                request: None,
                field: Some("audit_seq".into()),
                message: format!(
                    "{requests} request rows and {events} event rows are marked as recorded before the ledger was chained; \
                     the migration counted {} and {}",
                    was_requests.map_or("none".into(), |n| n.to_string()),
                    was_events.map_or("none".into(), |n| n.to_string())
                ),
            });
        }
        Ok(())
    }

    /// Replays every request's events through the domain and compares the `requests` row. Pages
    /// by id ranges; each page is one statement (one snapshot, so a concurrent append is seen
    /// with its projection or not at all).
    async fn verify_projections(&self, report: &mut VerifyReport) -> Result<()> {
        let cal = self.current_calendar().await?;
        let mut after = i64::MIN;
        loop {
            let bound = sqlx::query("SELECT MAX(id) FROM (SELECT id FROM requests WHERE id > $1 ORDER BY id LIMIT $2) AS page")
                .bind(after)
                .bind(REQUEST_PAGE)
                .fetch_one(&self.pool)
                .await?;
            let Some(hi) = bound.try_get::<Option<i64>, _>(0)? else { break };
            let rows = sqlx::query(
                "SELECT r.id, r.number, r.status, r.due_on, r.due_provisional, r.concluded_on, r.outcome, r.event_count, \
                 e.seq, e.kind, e.on_date, e.body FROM requests r LEFT JOIN request_events e ON e.request_id = r.id \
                 WHERE r.id > $1 AND r.id <= $2 ORDER BY r.id, e.seq",
            )
            .bind(after)
            .bind(hi)
            .fetch_all(&self.pool)
            .await?;
            let mut i = 0;
            while i < rows.len() {
                let id: i64 = rows[i].try_get(0)?;
                let number: String = rows[i].try_get(1)?;
                let mut ledger = Vec::new();
                let mut j = i;
                while j < rows.len() && rows[j].try_get::<i64, _>(0)? == id {
                    if let Some(seq) = rows[j].try_get::<Option<i64>, _>(8)? {
                        let kind: String = rows[j].try_get(9)?;
                        let on: NaiveDate = rows[j].try_get(10)?;
                        let body: String = rows[j].try_get(11)?;
                        ledger.push((seq, kind, on, body));
                    }
                    j += 1;
                }
                check_projection(report, &cal, &number, &rows[i], &ledger)?;
                report.requests += 1;
                i = j;
            }
            after = hi;
        }
        Ok(())
    }

    /// Every published file's bytes, and both files of every letter, still hash to their stored digests.
    async fn verify_file_bytes(&self, report: &mut VerifyReport) -> Result<()> {
        let keys = sqlx::query("SELECT version_id, format, sha256 FROM report_files ORDER BY version_id, format")
            .fetch_all(&self.pool)
            .await?;
        for k in &keys {
            let (version_id, format, stored): (i64, String, String) = (k.try_get(0)?, k.try_get(1)?, k.try_get(2)?);
            let body: Vec<u8> = sqlx::query("SELECT body FROM report_files WHERE version_id = $1 AND format = $2")
                .bind(version_id)
                .bind(&format)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
            if !digest_eq(&sha256_hex(&body), &stored) {
                report.push(Problem {
                    seq: None,
                    request: None,
                    field: Some("report_files.body".into()),
                    message: format!("published file {version_id}/{format}: its bytes no longer hash to the stored digest"),
                });
            }
        }
        // Letters (告知书): both files of each, a page of letters at a time.
        let mut after_id = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT l.id, COALESCE(r.number, ''), l.event_seq, l.pdf_sha256, l.docx_sha256 FROM letters l \
                 LEFT JOIN requests r ON r.id = l.request_id WHERE l.id > $1 ORDER BY l.id LIMIT $2",
            )
            .bind(after_id)
            .bind(ROW_PAGE)
            .fetch_all(&self.pool)
            .await?;
            for k in &rows {
                after_id = k.try_get(0)?;
                let (number, seq, pdf_sha, docx_sha): (String, i64, String, String) =
                    (k.try_get(1)?, k.try_get(2)?, k.try_get(3)?, k.try_get(4)?);
                let files = sqlx::query("SELECT pdf, docx FROM letters WHERE id = $1").bind(after_id).fetch_one(&self.pool).await?;
                let (pdf, docx): (Vec<u8>, Vec<u8>) = (files.try_get(0)?, files.try_get(1)?);
                for (format, body, stored) in [("pdf", &pdf, &pdf_sha), ("docx", &docx, &docx_sha)] {
                    if !digest_eq(&sha256_hex(body), stored) {
                        report.push(Problem::request(
                            &number,
                            Some(&format!("letters.{format}")),
                            format!("the letter of event {seq}: its {format} no longer hashes to the recorded digest"),
                        ));
                    }
                }
            }
            if (rows.len() as i64) < ROW_PAGE {
                break;
            }
        }
        self.verify_attachment_files(report).await
    }

    /// Every attachment's file is in the attachment directory and hashes to its recorded digest
    /// (when the store knows the directory).
    async fn verify_attachment_files(&self, report: &mut VerifyReport) -> Result<()> {
        let mut after_id = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT a.id, COALESCE(r.number, ''), a.sha256 FROM attachments a \
                 LEFT JOIN requests r ON r.id = a.request_id WHERE a.id > $1 ORDER BY a.id LIMIT $2",
            )
            .bind(after_id)
            .bind(ROW_PAGE)
            .fetch_all(&self.pool)
            .await?;
            // A store opened without the directory (a restore's check of a database copy, whose
            // files are copied apart) verifies the rows and their digests, not the bytes.
            if self.files.is_none() {
                return Ok(());
            }
            for k in &rows {
                after_id = k.try_get(0)?;
                let (number, sha): (String, String) = (k.try_get(1)?, k.try_get(2)?);
                let files = self.attachment_dir()?.clone();
                let wanted = sha.clone();
                let actual = tokio::task::spawn_blocking(move || files.read(&wanted).map(|b| b.map(|b| sha256_hex(&b))))
                    .await
                    .map_err(|e| StoreError::Config(format!("reading an attachment: {e}")))??;
                let problem = match actual {
                    None => Some("its file is missing from the attachment directory"),
                    Some(a) if !digest_eq(&a, &sha) => Some("its file no longer hashes to the recorded digest"),
                    Some(_) => None,
                };
                if let Some(problem) = problem {
                    report.push(Problem::request(&number, Some("attachments.file"), format!("attachment {after_id}: {problem}")));
                }
            }
            if (rows.len() as i64) < ROW_PAGE {
                break;
            }
        }
        Ok(())
    }
}

/// One request: its events replay, and the `requests` row holds their projection.
fn check_projection(
    report: &mut VerifyReport,
    cal: &Calendar,
    number: &str,
    row: &DbRow,
    ledger: &[(i64, String, NaiveDate, String)],
) -> Result<()> {
    let mut events = Vec::with_capacity(ledger.len());
    for (i, (seq, kind, on, body)) in ledger.iter().enumerate() {
        if *seq != i as i64 + 1 {
            report.push(Problem::request(number, Some("events"), format!("event {} is missing (found event {seq} next)", i + 1)));
            return Ok(());
        }
        let event: Event = match serde_json::from_str(body) {
            Ok(e) => e,
            Err(e) => {
                report.push(Problem::request(number, Some("events"), format!("event {seq} does not parse: {e}")));
                return Ok(());
            }
        };
        if event.kind() != kind || event.on() != *on {
            report.push(Problem::request(
                number,
                Some("events"),
                format!("event {seq}: its kind/date columns ({kind}, {on}) disagree with its body ({}, {})", event.kind(), event.on()),
            ));
        }
        events.push(event);
    }
    let state = match CaseState::replay(cal, &events) {
        Ok(s) => s,
        Err(e) => {
            report.push(Problem::request(number, Some("events"), format!("the events do not replay: {e}")));
            return Ok(());
        }
    };
    let p = project(&state, cal);
    let status: String = row.try_get(2)?;
    let due_on: Option<NaiveDate> = row.try_get(3)?;
    let due_provisional: bool = row.try_get(4)?;
    let concluded_on: Option<NaiveDate> = row.try_get(5)?;
    let outcome: Option<String> = row.try_get(6)?;
    let event_count: i64 = row.try_get(7)?;
    let show = |d: Option<NaiveDate>| d.map_or_else(|| "null".to_string(), |d| d.to_string());
    let mut differs = |field: &str, stored: String, replayed: String| {
        if stored != replayed {
            report.push(Problem::request(number, Some(field), format!("the row says {stored}, its events give {replayed}")));
        }
    };
    differs("status", status, p.status.code().to_string());
    // A concluded request keeps the deadline it had when it concluded (a later calendar import
    // recomputes open requests only), so its deadline is compared only while it is open.
    if !p.status.is_concluded() {
        differs("due_on", show(due_on), show(p.due_on));
        differs("due_provisional", due_provisional.to_string(), p.due_provisional.to_string());
    }
    differs("concluded_on", show(concluded_on), show(p.concluded_on));
    differs(
        "outcome",
        outcome.unwrap_or_else(|| "null".into()),
        p.outcome.map_or_else(|| "null".to_string(), |o| o.code().to_string()),
    );
    differs("event_count", event_count.to_string(), events.len().to_string());
    Ok(())
}
