//! 申请人 — who asks: a natural person, or a legal person / other organisation of one of the five
//! kinds that report table 2 counts in its own column. Personal identifiers are parsed into
//! newtypes that validate on construction and mask themselves for display.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::text;

/// The applicant kind, one per column of report table 2 (申请人情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// 自然人
    NaturalPerson,
    /// 商业企业
    Commercial,
    /// 科研机构
    Research,
    /// 社会公益组织
    SocialWelfare,
    /// 法律服务机构
    LegalServices,
    /// 其他 (法人或其他组织)
    OtherOrg,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::Commercial,
        ApplicantKind::Research,
        ApplicantKind::SocialWelfare,
        ApplicantKind::LegalServices,
        ApplicantKind::OtherOrg,
    ];

    /// Column index 0..=5 in report table 2 (column 6 is the total).
    pub fn column(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).expect("in ALL")
    }

    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "natural_person",
            ApplicantKind::Commercial => "commercial",
            ApplicantKind::Research => "research",
            ApplicantKind::SocialWelfare => "social_welfare",
            ApplicantKind::LegalServices => "legal_services",
            ApplicantKind::OtherOrg => "other_org",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, DomainError> {
        Self::ALL.iter().copied().find(|k| k.code() == code).ok_or_else(|| {
            DomainError::invalid(
                "applicant.kind",
                "must be one of natural_person, commercial, research, social_welfare, legal_services, other_org",
            )
        })
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "自然人",
            ApplicantKind::Commercial => "商业企业",
            ApplicantKind::Research => "科研机构",
            ApplicantKind::SocialWelfare => "社会公益组织",
            ApplicantKind::LegalServices => "法律服务机构",
            ApplicantKind::OtherOrg => "其他",
        }
    }

    pub fn is_natural_person(self) -> bool {
        self == ApplicantKind::NaturalPerson
    }
}

/// 居民身份证号码 — an 18-character resident ID number, GB 11643-1999 checksum verified.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCardNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl IdCardNumber {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let s = text.trim().to_ascii_uppercase();
        let field = "applicant.id_number";
        if s.len() != 18 || !s.is_ascii() {
            return Err(DomainError::invalid(
                field,
                "must be 18 characters (GB 11643)",
            ));
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(DomainError::invalid(
                field,
                "must be 17 digits followed by a digit or X",
            ));
        }
        let birth = &s[6..14];
        if NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
            return Err(DomainError::invalid(
                field,
                "digits 7-14 are not a valid birth date",
            ));
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != b[17] {
            return Err(DomainError::invalid(
                field,
                "check digit does not match (GB 11643)",
            ));
        }
        Ok(IdCardNumber(s))
    }

    /// Completes 17 digits (region, birth date, sequence) with their GB 11643 check character.
    pub fn from_first17(first17: &str) -> Result<Self, DomainError> {
        let digits: Option<Vec<u32>> = first17.chars().map(|c| c.to_digit(10)).collect();
        let digits = digits
            .filter(|d| d.len() == 17)
            .ok_or_else(|| DomainError::invalid("applicant.id_number", "needs 17 digits"))?;
        let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
        let check = ID_CHECK[(sum % 11) as usize] as char;
        Self::parse(&format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `110105********002X`: region code and the last four characters stay visible.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNumber({})", self.masked())
    }
}

/// 联系电话 — a mainland mobile number (11 digits, 1[3-9]…) or a landline with area code.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let field = "applicant.phone";
        let s: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let s = s.strip_prefix("+86").unwrap_or(&s).to_string();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::invalid(
                field,
                "may contain only digits, spaces, '-' and a +86 prefix",
            ));
        }
        let mobile = s.len() == 11 && s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9');
        let landline = s.starts_with('0') && (10..=12).contains(&s.len());
        if !(mobile || landline) {
            return Err(DomainError::invalid(
                field,
                "must be an 11-digit mobile number or a landline number with area code",
            ));
        }
        Ok(PhoneNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****8000`: first three and last four digits stay visible.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        format!("{}{}{}", &self.0[..3], "*".repeat(n - 7), &self.0[n - 4..])
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

/// 统一社会信用代码 — 18-character unified social credit code, GB 32100-2015 checksum verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let field = "applicant.org_code";
        let s = text.trim().to_ascii_uppercase();
        let values: Option<Vec<u32>> = s
            .chars()
            .map(|c| CREDIT_CHARS.find(c).map(|i| i as u32))
            .collect();
        let values = match values {
            Some(v) if v.len() == 18 => v,
            _ => {
                return Err(DomainError::invalid(
                    field,
                    "must be an 18-character unified social credit code (GB 32100)",
                ));
            }
        };
        let sum: u32 = values[..17]
            .iter()
            .zip(CREDIT_WEIGHTS)
            .map(|(v, w)| v * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(DomainError::invalid(
                field,
                "check character does not match (GB 32100)",
            ));
        }
        Ok(CreditCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated applicant as received: name, e-mail and address cleaned by [`crate::text`]
/// (name 1–100 characters, address at most 200, e-mail at most 254).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: Option<IdCardNumber>,
    pub org_code: Option<CreditCode>,
    pub phone: PhoneNumber,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// The applicant as submitted, before validation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApplicantInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    pub id_number: Option<String>,
    pub org_code: Option<String>,
    #[serde(default)]
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
}

impl ApplicantInput {
    /// Validates every field, collecting all problems (not just the first).
    pub fn validate(&self) -> Result<Applicant, Vec<DomainError>> {
        let mut errors = Vec::new();
        let kind = ApplicantKind::from_code(&self.kind)
            .map_err(|e| errors.push(e))
            .ok();
        let name = text::clean_required("applicant.name", &self.name, text::NAME, "is required")
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        fn nonempty(o: &Option<String>) -> Option<&str> {
            o.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let id_number = nonempty(&self.id_number)
            .and_then(|s| IdCardNumber::parse(s).map_err(|e| errors.push(e)).ok());
        let org_code = nonempty(&self.org_code)
            .and_then(|s| CreditCode::parse(s).map_err(|e| errors.push(e)).ok());
        if let Some(k) = kind {
            if k.is_natural_person() && org_code.is_some() {
                errors.push(DomainError::invalid(
                    "applicant.org_code",
                    "is only for organisations",
                ));
            }
            if !k.is_natural_person() && id_number.is_some() {
                errors.push(DomainError::invalid(
                    "applicant.id_number",
                    "is only for natural persons",
                ));
            }
        }
        let phone = PhoneNumber::parse(&self.phone)
            .map_err(|e| errors.push(e))
            .ok();
        let email = text::clean_optional("applicant.email", self.email.as_deref(), text::EMAIL)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if let Some(e) = &email {
            let ok = e.len() <= 254
                && e.split_once('@')
                    .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.'))
                && !e.contains(char::is_whitespace);
            if !ok {
                errors.push(DomainError::invalid(
                    "applicant.email",
                    "is not an e-mail address",
                ));
            }
        }
        let address =
            text::clean_optional("applicant.address", self.address.as_deref(), text::ADDRESS)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten();
        match (kind, phone) {
            (Some(kind), Some(phone)) if errors.is_empty() => Ok(Applicant {
                kind,
                name,
                id_number,
                org_code,
                phone,
                email,
                address,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_card_checksum_and_mask() {
        let id = IdCardNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert!(
            IdCardNumber::parse("110105194912310021").is_err(),
            "wrong check digit"
        );
        assert!(
            IdCardNumber::parse("11010519491331002X").is_err(),
            "month 13"
        );
        assert!(
            IdCardNumber::parse("1101051949123100").is_err(),
            "too short"
        );
        assert!(
            IdCardNumber::parse("11010519491231002x").is_ok(),
            "lower-case x accepted"
        );
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn check_characters_are_computed() {
        assert_eq!(
            IdCardNumber::from_first17("11010519491231002")
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        assert!(IdCardNumber::from_first17("1101051949123100").is_err());
    }

    #[test]
    fn phone_mask() {
        assert_eq!(
            PhoneNumber::parse("13800138000").unwrap().masked(),
            "138****8000"
        );
        assert_eq!(
            PhoneNumber::parse("+86 138 0013 8000").unwrap().masked(),
            "138****8000"
        );
        assert_eq!(
            PhoneNumber::parse("0418-2345678").unwrap().masked(),
            "041****5678"
        );
        assert!(PhoneNumber::parse("12345").is_err());
        assert!(PhoneNumber::parse("1380013800a").is_err());
    }

    #[test]
    fn credit_code_checksum() {
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
    }

    #[test]
    fn applicant_validation_collects_every_error() {
        let input = ApplicantInput {
            kind: "robot".into(),
            phone: "1".into(),
            ..Default::default()
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field()).collect();
        assert_eq!(
            fields,
            ["applicant.kind", "applicant.name", "applicant.phone"]
        );
    }

    #[test]
    fn free_text_fields_follow_the_text_rule() {
        let input = ApplicantInput {
            kind: "natural_person".into(),
            name: "李\0四".into(),
            phone: "13800138000".into(),
            email: Some("li\u{200b}@example.cn".into()),
            address: Some("\u{1b}[31m阜新市".into()),
            ..Default::default()
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field()).collect();
        assert_eq!(
            fields,
            ["applicant.name", "applicant.email", "applicant.address"]
        );
        let ok = ApplicantInput {
            kind: "natural_person".into(),
            name: "  李   四 ".into(),
            phone: "13800138000".into(),
            address: Some(" 辽宁省阜新市　海州区 ".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name, "李 四");
        assert_eq!(ok.address.as_deref(), Some("辽宁省阜新市　海州区"));
    }

    #[test]
    fn organisations_carry_no_id_card() {
        let input = ApplicantInput {
            kind: "commercial".into(),
            name: "某公司".into(),
            id_number: Some("11010519491231002X".into()),
            phone: "13800138000".into(),
            ..Default::default()
        };
        assert_eq!(
            input.validate().unwrap_err()[0].field(),
            "applicant.id_number"
        );
    }
}
