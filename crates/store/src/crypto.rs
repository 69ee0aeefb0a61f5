//! Personal data at rest: ID-card numbers, phone numbers, e-mail and postal addresses are sealed
//! with ChaCha20-Poly1305 (AEAD) under a key that lives outside the database, bound to the
//! request number as associated data. Only masked forms are stored in the clear.

use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The sealed personal data of an applicant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    pub id_number: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The identity document's type (`resident_id`, `passport`, …); absent in rows sealed
    /// before it was asked, which are resident IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
    /// 法定代表人 (organisations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    /// 联系人 (organisations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
}

/// Seals and opens personal data.
#[derive(Clone)]
pub struct PiiCipher {
    cipher: ChaCha20Poly1305,
    /// [`crate::keys::fingerprint`] of the key: what the database records, never the key.
    fingerprint: String,
    /// The 查询码 key derived from this key, for a deployment whose PII key comes from the
    /// environment (no directory to keep `query.key` in): see [`crate::QueryKey`].
    derived_query_key: [u8; 32],
}

impl std::fmt::Debug for PiiCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiCipher(..)")
    }
}

impl PiiCipher {
    pub fn from_key(key: &[u8; 32]) -> Self {
        PiiCipher {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
            fingerprint: crate::keys::fingerprint(key),
            derived_query_key: crate::keys::derive_query_key(key),
        }
    }

    /// The 查询码 key derived from this key (used only where no `query.key` file is kept).
    pub(crate) fn derived_query_key(&self) -> crate::QueryKey {
        crate::QueryKey::from_key(&self.derived_query_key)
    }

    /// The key's fingerprint (SHA-256 over a domain-separation string and the key), hex.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// A fresh random key (tests, first start).
    pub fn random_key() -> [u8; 32] {
        ChaCha20Poly1305::generate_key(&mut OsRng).into()
    }

    /// A key given as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(hex_key: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| StoreError::Key("the key must be 64 hex digits (32 bytes)".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Key("the key must be 64 hex digits (32 bytes)".into()))?;
        Ok(Self::from_key(&key))
    }

    /// `nonce || ciphertext`, authenticated together with `bound_to`.
    pub fn seal(&self, data: &PersonalData, bound_to: &str) -> Result<Vec<u8>, StoreError> {
        let plain = serde_json::to_vec(data).map_err(|e| StoreError::Crypto(e.to_string()))?;
        self.seal_bytes(&plain, bound_to)
    }

    fn seal_bytes(&self, plain: &[u8], bound_to: &str) -> Result<Vec<u8>, StoreError> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Crypto("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend(ct);
        Ok(out)
    }

    /// The plain bytes of `nonce || ciphertext` sealed with `bound_to`; `None` when they do not open.
    fn open_bytes(&self, sealed: &[u8], bound_to: &str) -> Option<Vec<u8>> {
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, ct) = sealed.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: bound_to.as_bytes(),
                },
            )
            .ok()
    }

    pub fn open(&self, sealed: &[u8], bound_to: &str) -> Result<PersonalData, StoreError> {
        if sealed.len() < 12 {
            return Err(StoreError::Crypto("sealed data too short".into()));
        }
        let plain = self.open_bytes(sealed, bound_to).ok_or_else(|| {
            StoreError::Crypto("cannot open personal data: wrong key or tampered row".into())
        })?;
        serde_json::from_slice(&plain).map_err(|e| StoreError::Crypto(e.to_string()))
    }
}

/// The prefix of a sealed secret stored as text (a TOTP secret): `s1:` + hex(nonce ‖ ciphertext).
pub(crate) const SEALED_TEXT_PREFIX: &str = "s1:";

impl PiiCipher {
    /// A short secret (a TOTP secret) sealed like personal data, as text for a TEXT column,
    /// authenticated together with `bound_to` (the account: `user:{id}`).
    pub fn seal_text(&self, secret: &str, bound_to: &str) -> Result<String, StoreError> {
        let sealed = self.seal_bytes(secret.as_bytes(), bound_to)?;
        Ok(format!("{SEALED_TEXT_PREFIX}{}", hex::encode(sealed)))
    }

    /// Opens what [`PiiCipher::seal_text`] sealed for `bound_to`.
    pub fn open_text(&self, stored: &str, bound_to: &str) -> Result<String, StoreError> {
        stored
            .strip_prefix(SEALED_TEXT_PREFIX)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|sealed| self.open_bytes(&sealed, bound_to))
            .and_then(|plain| String::from_utf8(plain).ok())
            .ok_or_else(|| {
                StoreError::Crypto(format!(
                    "cannot open the secret of {bound_to}: wrong key or tampered row"
                ))
            })
    }
}

/// Whether a stored secret is sealed (else it is a row written before sealing, in the clear).
pub(crate) fn is_sealed_text(stored: &str) -> bool {
    stored.starts_with(SEALED_TEXT_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_sealed_as_text_bound_to_its_account() {
        let c = PiiCipher::from_key(&PiiCipher::random_key());
        let sealed = c.seal_text("JBSWY3DPEHPK3PXP", "user:7").unwrap();
        assert!(is_sealed_text(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(c.open_text(&sealed, "user:7").unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(
            c.open_text(&sealed, "user:8").is_err(),
            "moved to another account"
        );
        let other = PiiCipher::from_key(&PiiCipher::random_key());
        assert!(other.open_text(&sealed, "user:7").is_err(), "wrong key");
        assert!(c.open_text("JBSWY3DPEHPK3PXP", "user:7").is_err());
        assert!(c.open_text("s1:zz", "user:7").is_err());
    }

    #[test]
    fn seal_and_open_bound_to_the_request() {
        let c = PiiCipher::from_key(&PiiCipher::random_key());
        let data = PersonalData {
            id_number: Some("11010519491231002X".into()),
            phone: "13800138000".into(),
            ..Default::default()
        };
        let sealed = c.seal(&data, "a-2025-00001").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("13800138000"));
        assert_eq!(c.open(&sealed, "a-2025-00001").unwrap(), data);
        assert!(
            c.open(&sealed, "a-2025-00002").is_err(),
            "moved to another row"
        );
        let other = PiiCipher::from_key(&PiiCipher::random_key());
        assert!(other.open(&sealed, "a-2025-00001").is_err(), "wrong key");
    }
}
