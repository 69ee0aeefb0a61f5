// The PII key check and rotation (see `keys.rs`), compiled once per backend like `sql_impl.rs`:
// `sqlite.rs` and `postgres.rs` include this file after it and define `LOCK_KEY_SHARE` (taken
// by every transaction that seals) and `LOCK_KEY_ROTATE` (taken by the rotation).

impl SqlStore {
    /// What the database says about its key: the fingerprint, or else its oldest sealed row.
    async fn key_record(pool: &sqlx::Pool<Db>) -> Result<crate::keys::KeyRecord> {
        use crate::keys::KeyRecord;
        if let Some(row) = sqlx::query("SELECT fingerprint FROM key_check WHERE id = 1").fetch_optional(pool).await? {
            return Ok(KeyRecord::Recorded(row.try_get(0)?));
        }
        let sample = sqlx::query("SELECT number, pii_sealed FROM requests ORDER BY id LIMIT 1").fetch_optional(pool).await?;
        Ok(KeyRecord::Unrecorded(match sample {
            Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
            None => None,
        }))
    }

    /// Checks `cipher` against the database and records its fingerprint when none is recorded.
    async fn adopt_key(pool: &sqlx::Pool<Db>, cipher: &PiiCipher, source: &str, database: &str) -> Result<()> {
        let record = Self::key_record(pool).await?;
        crate::keys::verify(cipher, &record, source, database)?;
        if let crate::keys::KeyRecord::Unrecorded(_) = record {
            sqlx::query("INSERT INTO key_check (id, fingerprint, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
                .bind(cipher.fingerprint())
                .bind(now_text())
                .execute(pool)
                .await?;
            // Another process may have recorded its key first.
            crate::keys::verify(cipher, &Self::key_record(pool).await?, source, database)?;
        }
        Ok(())
    }

    /// Opens with the key from `source` (see `keys.rs`): `new_database` allows creating a key
    /// file; `early` is a key already loaded for a new database.
    async fn open_keyed(
        pool: sqlx::Pool<Db>,
        source: &crate::keys::KeySource,
        new_database: bool,
        early: Option<PiiCipher>,
        database: &str,
        query_key_path: Option<std::path::PathBuf>,
    ) -> Result<Self> {
        let record = Self::key_record(&pool).await?;
        crate::keys::check_pending(source, &record, database)?;
        let cipher = match early {
            Some(c) => c,
            None => crate::keys::load(source, new_database, database)?,
        };
        Self::adopt_key(&pool, &cipher, &source.describe(), database).await?;
        let query_key = match query_key_path {
            Some(path) => {
                let may_create = new_database || !Self::has_hmac_codes(&pool).await?;
                Some(crate::keys::load_query_key(&path, may_create, database)?)
            }
            None => None,
        };
        let mut store = SqlStore::from_pool(pool, cipher);
        if let Some(k) = query_key {
            store.query_key = k;
        }
        store.load_calendar().await?;
        store.seal_clear_secrets().await?;
        Ok(store)
    }

    /// Whether any 查询码 is stored as an HMAC (then its key must be at hand).
    async fn has_hmac_codes(pool: &sqlx::Pool<Db>) -> Result<bool> {
        let row = sqlx::query("SELECT 1 FROM requests WHERE query_code_hash LIKE 'h1:%' LIMIT 1").fetch_optional(pool).await?;
        Ok(row.is_some())
    }

    /// Inside a transaction that seals personal data: the key this process holds must still be
    /// the recorded one (a rotation by another process makes it stale).
    async fn key_is_current(tx: &mut Tx, cipher: &PiiCipher) -> Result<()> {
        let row = sqlx::query(LOCK_KEY_SHARE).fetch_optional(&mut **tx).await?;
        let Some(row) = row else {
            return Err(StoreError::Corrupt("key_check: the key fingerprint is missing".into()));
        };
        let fp: String = row.try_get(0)?;
        if !digest_eq(&fp, cipher.fingerprint()) {
            return Err(StoreError::Key(
                "the PII key was rotated since this process started: restart it with the new key".into(),
            ));
        }
        Ok(())
    }

    /// Re-seals every sealed row under `new` and records its fingerprint, in one transaction
    /// with the audit entry `key.rotate`. Every row must open with the current key.
    pub(crate) async fn reseal_all(&self, new: &PiiCipher, actor: &Actor) -> Result<u64> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query(LOCK_KEY_ROTATE).fetch_optional(&mut *tx).await?;
        let current: Option<String> = row.map(|r| r.try_get(0)).transpose()?;
        if !current.is_some_and(|fp| digest_eq(&fp, self.cipher.fingerprint())) {
            return Err(StoreError::Key("the PII key changed while the rotation started; nothing was changed".into()));
        }
        let mut after = 0i64;
        let mut resealed = 0u64;
        loop {
            let rows = sqlx::query("SELECT id, number, pii_sealed FROM requests WHERE id > $1 ORDER BY id LIMIT 1000")
                .bind(after)
                .fetch_all(&mut *tx)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            let mut resealed_page = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = row.try_get(0)?;
                let number: String = row.try_get(1)?;
                let sealed: Vec<u8> = row.try_get(2)?;
                let data = self.cipher.open(&sealed, &number).map_err(|_| {
                    StoreError::Key(format!(
                        "request {number}: its personal data does not open with the current key, so it cannot be re-sealed; nothing was changed"
                    ))
                })?;
                resealed_page.push((id, new.seal(&data, &number)?));
            }
            // A few hundred rows a statement (one round trip each, not one per row).
            for chunk in resealed_page.chunks(250) {
                let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
                let sql = format!(
                    "WITH v (id, sealed) AS (VALUES {}) UPDATE requests SET pii_sealed = (SELECT sealed FROM v WHERE v.id = requests.id) \
                     WHERE id IN (SELECT id FROM v)",
                    values.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, sealed) in chunk {
                    q = q.bind(*id).bind(sealed.as_slice());
                }
                let done = q.execute(&mut *tx).await?.rows_affected();
                if done != chunk.len() as u64 {
                    return Err(StoreError::Corrupt(format!("key rotation: {done} of {} rows re-sealed", chunk.len())));
                }
                resealed += done;
            }
        }
        resealed += Self::reseal_secrets(&mut tx, Some(&self.cipher), new).await?;
        sqlx::query("UPDATE key_check SET fingerprint = $1, recorded_at = $2 WHERE id = 1")
            .bind(new.fingerprint())
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, "key.rotate", &format!("{resealed} sealed rows"), "ok").await?;
        tx.commit().await?;
        Ok(resealed)
    }

    /// Seals the accounts' TOTP secrets under `new` in `tx`: those sealed under `old` are
    /// opened with it (rotation), those in the clear (rows from before migration 0014) are
    /// sealed as they are. Only the rows that need it with `old` = `None`. The count of
    /// accounts changed.
    async fn reseal_secrets(tx: &mut Tx, old: Option<&PiiCipher>, new: &PiiCipher) -> Result<u64> {
        let sql = if old.is_some() {
            "SELECT id, totp_secret, totp_pending FROM users WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL ORDER BY id"
        } else {
            "SELECT id, totp_secret, totp_pending FROM users WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 's1:%') \
             OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE 's1:%') ORDER BY id"
        };
        let rows = sqlx::query(sql).fetch_all(&mut **tx).await?;
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            let bound = totp_bound(id);
            let mut secrets: [Option<String>; 2] = [row.try_get(1)?, row.try_get(2)?];
            for secret in secrets.iter_mut().flatten() {
                let plain = if crate::crypto::is_sealed_text(secret) {
                    match old {
                        Some(old) => old.open_text(secret, &bound).map_err(|_| {
                            StoreError::Key(format!(
                                "user {id}: its TOTP secret does not open with the current key, so it cannot be re-sealed; nothing was changed"
                            ))
                        })?,
                        None => continue,
                    }
                } else {
                    secret.clone()
                };
                *secret = new.seal_text(&plain, &bound)?;
            }
            let [secret, pending] = secrets;
            sqlx::query("UPDATE users SET totp_secret = $1, totp_pending = $2 WHERE id = $3")
                .bind(secret)
                .bind(pending)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(rows.len() as u64)
    }

    /// Seals the TOTP secrets a database from before migration 0014 holds in the clear, once,
    /// at open (one transaction with its audit entry `totp.seal`).
    async fn seal_clear_secrets(&self) -> Result<()> {
        let clear = sqlx::query(
            "SELECT 1 FROM users WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 's1:%') \
             OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE 's1:%') LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        if clear.is_none() {
            return Ok(());
        }
        let mut tx = begin_write(&self.pool).await?;
        Self::key_is_current(&mut tx, &self.cipher).await?;
        let n = Self::reseal_secrets(&mut tx, None, &self.cipher).await?;
        if n > 0 {
            audit(&mut tx, &Actor::system(), "totp.seal", &format!("{n} accounts"), "ok").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A store over `pool` for reading only what needs no key (the audit chain): its cipher is
    /// a random key that never seals or opens anything.
    pub(crate) async fn unkeyed(pool: sqlx::Pool<Db>) -> Result<Self> {
        let store = SqlStore::from_pool(pool, PiiCipher::from_key(&PiiCipher::random_key()));
        store.load_calendar().await?;
        Ok(store)
    }

    /// The key check of a restored database: whether the key at hand opens it.
    pub(crate) async fn key_verdict(&self, source: &crate::keys::KeySource, database: &str) -> Result<crate::backup::KeyVerdict> {
        use crate::backup::KeyVerdict;
        if !source.is_present() {
            return Ok(KeyVerdict::Missing);
        }
        let record = Self::key_record(&self.pool).await?;
        let checked = crate::keys::check_pending(source, &record, database)
            .and_then(|_| crate::keys::load(source, false, database))
            .and_then(|c| crate::keys::verify(&c, &record, &source.describe(), database));
        Ok(match checked {
            Ok(()) => KeyVerdict::Matches(source.describe()),
            Err(e) => KeyVerdict::Refused(e.to_string()),
        })
    }
}
