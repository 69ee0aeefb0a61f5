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
            .zh("请选择申请人类型")
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
            return Err(
                DomainError::invalid(field, "must be 18 characters (GB 11643)")
                    .zh("居民身份证号码应为18位，请核对"),
            );
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(
                DomainError::invalid(field, "must be 17 digits followed by a digit or X")
                    .zh("居民身份证号码应为17位数字加1位数字或X，请核对"),
            );
        }
        let birth = &s[6..14];
        if NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
            return Err(
                DomainError::invalid(field, "digits 7-14 are not a valid birth date")
                    .zh("身份证号码中的出生日期不正确，请核对"),
            );
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != b[17] {
            return Err(
                DomainError::invalid(field, "check digit does not match (GB 11643)")
                    .zh("身份证号码校验位不正确，请核对"),
            );
        }
        Ok(IdCardNumber(s))
    }

    /// Completes 17 digits (region, birth date, sequence) with their GB 11643 check character.
    pub fn from_first17(first17: &str) -> Result<Self, DomainError> {
        let digits: Option<Vec<u32>> = first17.chars().map(|c| c.to_digit(10)).collect();
        let digits = digits.filter(|d| d.len() == 17).ok_or_else(|| {
            DomainError::invalid("applicant.id_number", "needs 17 digits")
                .zh("居民身份证号码前17位应为数字")
        })?;
        let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
        let check = ID_CHECK[(sum % 11) as usize] as char;
        Self::parse(&format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `text` holds a resident ID number in full: a run of exactly 18 digits (the last
    /// may be `X`) that passes [`IdCardNumber::parse`]. Free text that staff write where others
    /// read it (an unmasking reason in the audit log, an internal note) must not carry one.
    pub fn appears_in(text: &str) -> bool {
        let mut run = String::new();
        let mut found = false;
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() || c == 'X' || c == 'x' {
                run.push(c);
            } else {
                found |= run.len() == 18 && Self::parse(&run).is_ok();
                run.clear();
            }
        }
        found
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
            )
            .zh("联系电话只能包含数字、空格、“-”和+86前缀"));
        }
        let mobile = s.len() == 11 && s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9');
        let landline = s.starts_with('0') && (10..=12).contains(&s.len());
        if !(mobile || landline) {
            return Err(DomainError::invalid(
                field,
                "must be an 11-digit mobile number or a landline number with area code",
            )
            .zh("请填写11位手机号码，或带区号的固定电话号码"));
        }
        Ok(PhoneNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is a landline (with area code) rather than a mobile number.
    pub fn is_landline(&self) -> bool {
        self.0.starts_with('0')
    }

    /// The area code of a landline: 3 digits for 010 and 02X, 4 for every other area.
    fn area_code(&self) -> &str {
        let len = if self.0.starts_with("01") || self.0.starts_with("02") {
            3
        } else {
            4
        };
        &self.0[..len]
    }

    /// The number for display: a mobile number as `138****8000` (first three and last four
    /// digits); a landline as `0411-****2345` (the area code and the last four digits, so the
    /// reader sees which line it is without learning the number).
    pub fn masked(&self) -> String {
        let n = self.0.len();
        if self.is_landline() {
            format!("{}-****{}", self.area_code(), &self.0[n - 4..])
        } else {
            format!("{}****{}", &self.0[..3], &self.0[n - 4..])
        }
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
                )
                .zh("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V），请核对"));
            }
        };
        let sum: u32 = values[..17]
            .iter()
            .zip(CREDIT_WEIGHTS)
            .map(|(v, w)| v * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(
                DomainError::invalid(field, "check character does not match (GB 32100)")
                    .zh("统一社会信用代码校验位不正确，请核对"),
            );
        }
        Ok(CreditCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 身份证件类型 — the identity documents a request form offers a natural person (Art. 29(1):
/// 身份证明). Only the resident ID card carries a checksum (GB 11643); the others are checked
/// for their printed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentId,
    /// 护照
    Passport,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
}

impl IdType {
    pub const ALL: [IdType; 5] = [
        IdType::ResidentId,
        IdType::Passport,
        IdType::HkMacaoPermit,
        IdType::TaiwanPermit,
        IdType::ForeignPermanentResident,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::Passport => "passport",
            IdType::HkMacaoPermit => "hk_macao_permit",
            IdType::TaiwanPermit => "taiwan_permit",
            IdType::ForeignPermanentResident => "foreign_permanent_resident",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IdType::ResidentId => "居民身份证",
            IdType::Passport => "护照",
            IdType::HkMacaoPermit => "港澳居民来往内地通行证",
            IdType::TaiwanPermit => "台湾居民来往大陆通行证",
            IdType::ForeignPermanentResident => "外国人永久居留身份证",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code)
            .ok_or_else(|| {
                DomainError::invalid(
                    "applicant.id_type",
                    "must be one of resident_id, passport, hk_macao_permit, taiwan_permit, foreign_permanent_resident",
                )
                .zh("请选择身份证件类型")
            })
    }
}

/// 身份证件 — an identity document of a natural person: its type and validated number.
#[derive(Clone, PartialEq, Eq)]
pub struct IdDocument {
    kind: IdType,
    number: String,
}

impl From<IdCardNumber> for IdDocument {
    fn from(id: IdCardNumber) -> Self {
        IdDocument {
            kind: IdType::ResidentId,
            number: id.0,
        }
    }
}

impl IdDocument {
    /// Checks `text` as a number of a document of type `kind`: the resident ID card by its
    /// GB 11643 checksum, the others by their format — passport 5–20 letters and digits;
    /// 港澳通行证 H or M and 8 (or 10) digits; 台胞证 8 (or 10) digits; 外国人永久居留身份证
    /// 3 letters and 12 digits (2004 card) or 18 characters starting with 9 (2023 card).
    pub fn parse(kind: IdType, text: &str) -> Result<Self, DomainError> {
        let field = "applicant.id_number";
        if kind == IdType::ResidentId {
            return IdCardNumber::parse(text).map(IdDocument::from);
        }
        let s: String = text
            .trim()
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let ok = s.is_ascii()
            && match kind {
                IdType::ResidentId => unreachable!("handled above"),
                IdType::Passport => {
                    (5..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
                }
                IdType::HkMacaoPermit => {
                    (s.starts_with('H') || s.starts_with('M'))
                        && matches!(s.len(), 9 | 11)
                        && digits(&s[1..])
                }
                IdType::TaiwanPermit => matches!(s.len(), 8 | 10) && digits(&s),
                IdType::ForeignPermanentResident => {
                    (s.len() == 15
                        && s[..3].bytes().all(|b| b.is_ascii_uppercase())
                        && digits(&s[3..]))
                        || (s.len() == 18
                            && s.starts_with('9')
                            && digits(&s[..17])
                            && (s.as_bytes()[17].is_ascii_digit() || s.as_bytes()[17] == b'X'))
                }
            };
        if !ok {
            let (en, zh) = match kind {
                IdType::ResidentId => unreachable!("handled above"),
                IdType::Passport => (
                    "a passport number has 5 to 20 letters and digits",
                    "护照号码应为5至20位字母或数字，请核对",
                ),
                IdType::HkMacaoPermit => (
                    "a Mainland Travel Permit for Hong Kong and Macao Residents is H or M followed by 8 or 10 digits",
                    "港澳居民来往内地通行证号码应为H或M加8位（或10位）数字，请核对",
                ),
                IdType::TaiwanPermit => (
                    "a Mainland Travel Permit for Taiwan Residents has 8 or 10 digits",
                    "台湾居民来往大陆通行证号码应为8位（或10位）数字，请核对",
                ),
                IdType::ForeignPermanentResident => (
                    "a Foreign Permanent Resident ID Card is 3 letters and 12 digits, or 18 characters starting with 9",
                    "外国人永久居留身份证号码应为3位字母加12位数字，或以9开头的18位号码，请核对",
                ),
            };
            return Err(DomainError::invalid(field, en).zh(zh));
        }
        Ok(IdDocument { kind, number: s })
    }

    pub fn kind(&self) -> IdType {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// For display: a resident ID as `110105********002X`; another document with its first
    /// character and at most a third of its last characters visible (`E****678`, at most four),
    /// so that most of a short number stays hidden.
    pub fn masked(&self) -> String {
        if self.kind == IdType::ResidentId {
            return format!("{}********{}", &self.number[..6], &self.number[14..]);
        }
        let n = self.number.len();
        let tail = (n / 3).clamp(1, 4);
        format!("{}****{}", &self.number[..1], &self.number[n - tail..])
    }
}

impl fmt::Debug for IdDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdDocument({:?}, {})", self.kind, self.masked())
    }
}

/// A validated applicant as received: name, e-mail and address cleaned by [`crate::text`]
/// (name 1–100 characters, address at most 200, e-mail at most 254). A natural person gives an
/// identity document, an organisation its unified social credit code (Art. 29(1) 身份证明),
/// with its legal representative (法定代表人) and contact person (联系人) if it names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: Option<IdDocument>,
    pub org_code: Option<CreditCode>,
    pub phone: PhoneNumber,
    pub email: Option<String>,
    pub address: Option<String>,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
}

/// The applicant as submitted, before validation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApplicantInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// [`IdType`] code; `resident_id` when absent.
    #[serde(default)]
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub org_code: Option<String>,
    #[serde(default)]
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub legal_representative: Option<String>,
    #[serde(default)]
    pub contact_person: Option<String>,
}

impl ApplicantInput {
    /// Validates every field, collecting all problems (not just the first).
    pub fn validate(&self) -> Result<Applicant, Vec<DomainError>> {
        let mut errors = Vec::new();
        let kind = ApplicantKind::from_code(&self.kind)
            .map_err(|e| errors.push(e))
            .ok();
        let natural = kind.map(ApplicantKind::is_natural_person);
        let name_zh = if natural == Some(false) {
            "请填写单位名称"
        } else {
            "请填写姓名"
        };
        let name = text::clean_required("applicant.name", &self.name, text::NAME, "is required")
            .map_err(|e| errors.push(zh_required(e, name_zh)))
            .unwrap_or_default();
        fn nonempty(o: &Option<String>) -> Option<&str> {
            o.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let id_type = match nonempty(&self.id_type) {
            Some(code) => IdType::from_code(code).map_err(|e| errors.push(e)).ok(),
            None => Some(IdType::ResidentId),
        };
        let id_number = match (nonempty(&self.id_number), id_type) {
            (Some(s), Some(t)) => IdDocument::parse(t, s).map_err(|e| errors.push(e)).ok(),
            _ => None,
        };
        let org_code = nonempty(&self.org_code)
            .and_then(|s| CreditCode::parse(s).map_err(|e| errors.push(e)).ok());
        let legal_representative = text::clean_optional(
            "applicant.legal_representative",
            self.legal_representative.as_deref(),
            text::NAME,
        )
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        let contact_person = text::clean_optional(
            "applicant.contact_person",
            self.contact_person.as_deref(),
            text::NAME,
        )
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        match natural {
            Some(true) => {
                if nonempty(&self.id_number).is_none() {
                    errors.push(
                        DomainError::invalid(
                            "applicant.id_number",
                            "is required for a natural person (Art. 29(1): proof of identity)",
                        )
                        .zh("请填写身份证件号码"),
                    );
                }
                if org_code.is_some() {
                    errors.push(
                        DomainError::invalid("applicant.org_code", "is only for organisations")
                            .zh("自然人申请无需填写统一社会信用代码"),
                    );
                }
                if legal_representative.is_some() {
                    errors.push(
                        DomainError::invalid(
                            "applicant.legal_representative",
                            "is only for organisations",
                        )
                        .zh("自然人申请无需填写法定代表人"),
                    );
                }
            }
            Some(false) => {
                if id_number.is_some() {
                    errors.push(
                        DomainError::invalid("applicant.id_number", "is only for natural persons")
                            .zh("法人或者其他组织申请时，请填写统一社会信用代码，无需填写个人证件号码"),
                    );
                }
                if nonempty(&self.org_code).is_none() {
                    errors.push(
                        DomainError::invalid(
                            "applicant.org_code",
                            "is required for an organisation (Art. 29(1): proof of identity)",
                        )
                        .zh("请填写统一社会信用代码"),
                    );
                }
            }
            None => {}
        }
        let phone = if self.phone.trim().is_empty() {
            errors
                .push(DomainError::invalid("applicant.phone", "is required").zh("请填写联系电话"));
            None
        } else {
            PhoneNumber::parse(&self.phone)
                .map_err(|e| errors.push(e))
                .ok()
        };
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
                errors.push(
                    DomainError::invalid("applicant.email", "is not an e-mail address")
                        .zh("电子邮箱格式不正确，请核对"),
                );
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
                legal_representative,
                contact_person,
            }),
            _ => Err(errors),
        }
    }
}

/// A required-field error with `zh` as its Chinese rule when the field was left empty (other
/// text errors keep the rule [`crate::text`] gives them).
fn zh_required(e: DomainError, zh: &str) -> DomainError {
    if e.reason() == "is required" {
        e.zh(zh)
    } else {
        e
    }
}

/// 申请人姓名（脱敏） — the applicant's name as lists show it: a natural person's name keeps its
/// first character and hides the rest (`李*`, `欧阳**`: one `*` per hidden character, at least
/// one); an organisation's name is not personal data and is shown whole.
pub fn masked_name(kind: ApplicantKind, name: &str) -> String {
    if !kind.is_natural_person() {
        return name.to_string();
    }
    let mut chars = name.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let hidden = chars.filter(|c| !c.is_whitespace()).count().max(1);
    let mut out = String::with_capacity(first.len_utf8() + hidden);
    out.push(first);
    out.extend(std::iter::repeat_n('*', hidden));
    out
}

/// The form of a full name that the name search compares (a blind index is an HMAC of it):
/// NFC, without whitespace, the middle dots of transliterated names (`·`, `•`, `‧`, `・`) as one
/// `·`, Latin letters in lower case. `None` for a name with nothing left. An exact-name match,
/// never a part of a name.
pub fn name_search_key(name: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let key: String = name
        .nfc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' => '·',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_in_free_text_is_found() {
        assert!(IdCardNumber::appears_in(
            "申请人身份证11010519491231002X，请核实"
        ));
        assert!(IdCardNumber::appears_in("11010519491231002x"));
        assert!(!IdCardNumber::appears_in("110105********002X"), "masked");
        assert!(!IdCardNumber::appears_in("电话13800138000"));
        assert!(
            !IdCardNumber::appears_in("110105194912310021"),
            "a wrong check digit"
        );
        assert!(
            !IdCardNumber::appears_in("911101051949123100211"),
            "a longer run"
        );
    }

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
            "0418-****5678"
        );
        assert_eq!(
            PhoneNumber::parse("0411-82342345").unwrap().masked(),
            "0411-****2345"
        );
        assert_eq!(
            PhoneNumber::parse("010-62345678").unwrap().masked(),
            "010-****5678",
            "Beijing's area code has three digits"
        );
        assert_eq!(
            PhoneNumber::parse("02188887777").unwrap().masked(),
            "021-****7777"
        );
        let masked = PhoneNumber::parse("0411-82342345").unwrap().masked();
        assert!(!masked.contains("8234"), "the subscriber digits are hidden");
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
            id_number: Some("11010519491231002X".into()),
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
            id_number: Some("11010519491231002X".into()),
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

    fn person() -> ApplicantInput {
        ApplicantInput {
            kind: "natural_person".into(),
            name: "李四".into(),
            id_number: Some("11010519491231002X".into()),
            phone: "13800138000".into(),
            ..Default::default()
        }
    }

    fn errors_of(input: &ApplicantInput) -> Vec<(String, String)> {
        input
            .validate()
            .unwrap_err()
            .iter()
            .map(|e| (e.field().to_string(), e.reason_zh()))
            .collect()
    }

    #[test]
    fn a_wrong_id_checksum_is_named_in_chinese() {
        let input = ApplicantInput {
            id_number: Some("110105194912310021".into()),
            ..person()
        };
        assert_eq!(
            errors_of(&input),
            [(
                "applicant.id_number".to_string(),
                "身份证号码校验位不正确，请核对".to_string()
            )]
        );
    }

    #[test]
    fn a_natural_person_gives_an_id_and_a_phone() {
        let input = ApplicantInput {
            id_number: None,
            phone: " ".into(),
            ..person()
        };
        assert_eq!(
            errors_of(&input),
            [
                (
                    "applicant.id_number".to_string(),
                    "请填写身份证件号码".to_string()
                ),
                ("applicant.phone".to_string(), "请填写联系电话".to_string()),
            ]
        );
        let blank_name = ApplicantInput {
            name: "".into(),
            ..person()
        };
        assert_eq!(errors_of(&blank_name)[0].1, "请填写姓名");
    }

    #[test]
    fn other_identity_documents_are_format_checked() {
        let with = |t: &str, n: &str| ApplicantInput {
            id_type: Some(t.into()),
            id_number: Some(n.into()),
            ..person()
        };
        let ok = with("passport", "E12345678").validate().unwrap();
        let doc = ok.id_number.unwrap();
        assert_eq!(doc.kind(), IdType::Passport);
        assert_eq!(doc.masked(), "E****678");
        let short = IdDocument::parse(IdType::Passport, "AB123").unwrap();
        assert_eq!(
            short.masked(),
            "A****3",
            "most of a short number stays hidden"
        );
        let card = IdDocument::parse(IdType::ForeignPermanentResident, "USA110079100101").unwrap();
        assert_eq!(card.masked(), "U****0101");
        assert!(with("hk_macao_permit", "H12345678").validate().is_ok());
        assert!(with("hk_macao_permit", "M1234567890").validate().is_ok());
        assert!(with("taiwan_permit", "12345678").validate().is_ok());
        assert!(
            with("foreign_permanent_resident", "USA110079100101")
                .validate()
                .is_ok()
        );
        assert!(
            with("foreign_permanent_resident", "93310000201908017X")
                .validate()
                .is_ok()
        );
        for (t, n, zh) in [
            ("passport", "E1", "护照号码应为5至20位字母或数字，请核对"),
            (
                "hk_macao_permit",
                "X12345678",
                "港澳居民来往内地通行证号码应为H或M加8位（或10位）数字，请核对",
            ),
            (
                "taiwan_permit",
                "1234567",
                "台湾居民来往大陆通行证号码应为8位（或10位）数字，请核对",
            ),
            (
                "foreign_permanent_resident",
                "US1100791001011",
                "外国人永久居留身份证号码应为3位字母加12位数字，或以9开头的18位号码，请核对",
            ),
        ] {
            assert_eq!(
                errors_of(&with(t, n)),
                [("applicant.id_number".to_string(), zh.to_string())],
                "{t} {n}"
            );
        }
        // A passport number is not checked as a resident ID, nor the reverse.
        assert!(with("passport", "110105194912310021").validate().is_ok());
        assert_eq!(
            errors_of(&with("resident_id", "E12345678"))[0].0,
            "applicant.id_number"
        );
        assert_eq!(
            errors_of(&with("driving_licence", "E12345678")),
            [(
                "applicant.id_type".to_string(),
                "请选择身份证件类型".to_string()
            )]
        );
    }

    #[test]
    fn an_organisation_gives_its_credit_code() {
        let org = ApplicantInput {
            kind: "commercial".into(),
            name: "某公司".into(),
            phone: "0411-82342345".into(),
            legal_representative: Some(" 王五 ".into()),
            contact_person: Some("赵六".into()),
            ..Default::default()
        };
        assert_eq!(
            errors_of(&org),
            [(
                "applicant.org_code".to_string(),
                "请填写统一社会信用代码".to_string()
            )]
        );
        let bad = ApplicantInput {
            org_code: Some("91350100M000100Y44".into()),
            ..org.clone()
        };
        assert_eq!(
            errors_of(&bad),
            [(
                "applicant.org_code".to_string(),
                "统一社会信用代码校验位不正确，请核对".to_string()
            )]
        );
        let ok = ApplicantInput {
            org_code: Some("91350100M000100Y43".into()),
            ..org
        }
        .validate()
        .unwrap();
        assert_eq!(ok.legal_representative.as_deref(), Some("王五"));
        assert_eq!(ok.contact_person.as_deref(), Some("赵六"));
        let person_with_rep = ApplicantInput {
            legal_representative: Some("王五".into()),
            ..person()
        };
        assert_eq!(
            errors_of(&person_with_rep)[0].0,
            "applicant.legal_representative"
        );
    }

    #[test]
    fn every_applicant_rule_has_its_chinese_text() {
        let cases = [
            ApplicantInput {
                kind: "robot".into(),
                ..person()
            },
            ApplicantInput {
                phone: "12345".into(),
                ..person()
            },
            ApplicantInput {
                email: Some("nobody".into()),
                ..person()
            },
            ApplicantInput {
                name: "李\u{200b}四".into(),
                ..person()
            },
            ApplicantInput {
                id_number: Some("11010519491331002X".into()),
                ..person()
            },
        ];
        for c in cases {
            for e in c.validate().unwrap_err() {
                assert!(
                    matches!(&e, DomainError::Invalid { zh: Some(_), .. }),
                    "{e} has no Chinese text"
                );
            }
        }
    }

    #[test]
    fn a_natural_persons_name_is_masked_an_organisations_is_not() {
        assert_eq!(masked_name(ApplicantKind::NaturalPerson, "李四"), "李*");
        assert_eq!(
            masked_name(ApplicantKind::NaturalPerson, "欧阳娜娜"),
            "欧***"
        );
        assert_eq!(masked_name(ApplicantKind::NaturalPerson, "王"), "王*");
        assert_eq!(masked_name(ApplicantKind::NaturalPerson, ""), "");
        assert_eq!(
            masked_name(ApplicantKind::Commercial, "阜新某某有限公司"),
            "阜新某某有限公司"
        );
    }

    #[test]
    fn the_name_search_key_ignores_spacing_dots_and_case() {
        assert_eq!(name_search_key(" 李 四 ").as_deref(), Some("李四"));
        assert_eq!(
            name_search_key("阿卜杜•热合曼"),
            name_search_key("阿卜杜·热合曼")
        );
        assert_eq!(name_search_key("John SMITH"), name_search_key("john smith"));
        assert_ne!(name_search_key("李四"), name_search_key("李"));
        assert_eq!(name_search_key("  "), None);
    }
}
