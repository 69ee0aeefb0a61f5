//! 机关设置 — the facts an agency publishes about its own disclosure work: what the
//! 政府信息公开指南 must state (Art. 12: the 政府信息公开工作机构's name, address, office hours,
//! phone, fax and internet contact; the channels it accepts, 国办公开办函〔2017〕19号), the
//! body that hears a 行政复议 (named in the remedies), and the site's footer (主办/承办,
//! 网站标识码, ICP备案号, 公安备案号).
//!
//! Every key is named ([`SettingKey`]), bounded and validated; an unknown key is refused with the
//! list of the known ones. A key not set is simply absent: the guide omits its line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::applicant::PhoneNumber;
use crate::request::Channel;
use crate::text::{self, Limit};

/// 设置项 — one named setting of an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKey {
    /// 政府信息公开工作机构 — the office that handles requests (Art. 4, 12).
    OfficeName,
    /// 办公地址 — where requests are handed in person.
    OfficeAddress,
    /// 通信地址 — where requests are posted.
    PostalAddress,
    /// 邮政编码 of the postal address (6 digits).
    Postcode,
    /// 办公时间.
    OfficeHours,
    /// 咨询电话.
    Phone,
    /// 传真.
    Fax,
    /// 电子邮箱.
    Email,
    /// 网站 — the agency's website.
    Website,
    /// 受理渠道 — the channels the office accepts (comma-separated channel codes).
    Channels,
    /// 行政复议机关 — the body that hears a reconsideration of the office's answers.
    ReviewBody,
    /// 行政诉讼 — the court of first instance, if the agency names one.
    Court,
    /// 主办单位 (footer).
    Sponsor,
    /// 承办单位 (footer).
    Organiser,
    /// 网站标识码 (footer; 10 characters, 国办发〔2017〕47号).
    SiteCode,
    /// ICP备案号 (footer).
    Icp,
    /// 公安机关备案号 (footer).
    Police,
    /// 政府信息公开制度 — a short text of the agency's disclosure rules.
    SystemText,
    /// 政府信息公开制度 — or a link to them.
    SystemLink,
    /// 文号规则 — the pattern of the agency's letter numbers, e.g. `阜自然资依复〔{year}〕{serial}号`
    /// ([`crate::letter::NumberPattern`]).
    LetterNumber,
}

impl SettingKey {
    pub const ALL: [SettingKey; 20] = [
        SettingKey::OfficeName,
        SettingKey::OfficeAddress,
        SettingKey::PostalAddress,
        SettingKey::Postcode,
        SettingKey::OfficeHours,
        SettingKey::Phone,
        SettingKey::Fax,
        SettingKey::Email,
        SettingKey::Website,
        SettingKey::Channels,
        SettingKey::ReviewBody,
        SettingKey::Court,
        SettingKey::Sponsor,
        SettingKey::Organiser,
        SettingKey::SiteCode,
        SettingKey::Icp,
        SettingKey::Police,
        SettingKey::SystemText,
        SettingKey::SystemLink,
        SettingKey::LetterNumber,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SettingKey::OfficeName => "office_name",
            SettingKey::OfficeAddress => "office_address",
            SettingKey::PostalAddress => "postal_address",
            SettingKey::Postcode => "postcode",
            SettingKey::OfficeHours => "office_hours",
            SettingKey::Phone => "phone",
            SettingKey::Fax => "fax",
            SettingKey::Email => "email",
            SettingKey::Website => "website",
            SettingKey::Channels => "channels",
            SettingKey::ReviewBody => "review_body",
            SettingKey::Court => "court",
            SettingKey::Sponsor => "sponsor",
            SettingKey::Organiser => "organiser",
            SettingKey::SiteCode => "site_code",
            SettingKey::Icp => "icp",
            SettingKey::Police => "police",
            SettingKey::SystemText => "system_text",
            SettingKey::SystemLink => "system_link",
            SettingKey::LetterNumber => "letter_number",
        }
    }

    /// The label the pages show.
    pub fn label_zh(self) -> &'static str {
        match self {
            SettingKey::OfficeName => "政府信息公开工作机构",
            SettingKey::OfficeAddress => "办公地址",
            SettingKey::PostalAddress => "通信地址",
            SettingKey::Postcode => "邮政编码",
            SettingKey::OfficeHours => "办公时间",
            SettingKey::Phone => "咨询电话",
            SettingKey::Fax => "传真",
            SettingKey::Email => "电子邮箱",
            SettingKey::Website => "网站",
            SettingKey::Channels => "受理渠道",
            SettingKey::ReviewBody => "行政复议机关",
            SettingKey::Court => "行政诉讼管辖法院",
            SettingKey::Sponsor => "主办单位",
            SettingKey::Organiser => "承办单位",
            SettingKey::SiteCode => "网站标识码",
            SettingKey::Icp => "ICP备案号",
            SettingKey::Police => "公安备案号",
            SettingKey::SystemText => "政府信息公开制度",
            SettingKey::SystemLink => "政府信息公开制度链接",
            SettingKey::LetterNumber => "告知书文号规则",
        }
    }

    /// Every key's code, comma-separated (for the error that refuses an unknown key).
    pub fn known() -> String {
        Self::ALL
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn from_code(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code)
            .ok_or_else(|| {
                DomainError::invalid(
                    code,
                    format!("unknown setting; the known ones are {}", Self::known()),
                )
                .zh("没有这个设置项")
            })
    }

    /// The most characters a value of this key may have.
    pub fn max_chars(self) -> usize {
        self.limit().max_chars
    }

    fn limit(self) -> Limit {
        match self {
            SettingKey::OfficeName
            | SettingKey::ReviewBody
            | SettingKey::Court
            | SettingKey::Sponsor
            | SettingKey::Organiser => text::NAME,
            SettingKey::OfficeAddress | SettingKey::PostalAddress | SettingKey::OfficeHours => {
                text::ADDRESS
            }
            SettingKey::Email => text::EMAIL,
            SettingKey::Website | SettingKey::SystemLink => URL,
            SettingKey::SystemText => SYSTEM_TEXT,
            SettingKey::Postcode
            | SettingKey::Phone
            | SettingKey::Fax
            | SettingKey::SiteCode
            | SettingKey::Channels
            | SettingKey::Icp
            | SettingKey::Police
            | SettingKey::LetterNumber => SHORT,
        }
    }

    /// The value as stored, or the rule it breaks (an empty value is "not set": `None`).
    pub fn validate(self, value: &str) -> Result<Option<String>, DomainError> {
        let field = self.code();
        let v = text::clean(field, value, self.limit())?;
        if v.is_empty() {
            return Ok(None);
        }
        let bad = |reason: &str, zh: &str| Err(DomainError::invalid(field, reason).zh(zh));
        match self {
            SettingKey::Postcode if !(v.len() == 6 && v.chars().all(|c| c.is_ascii_digit())) => {
                bad("must be a 6-digit postcode", "邮政编码应为6位数字")
            }
            SettingKey::Phone | SettingKey::Fax if PhoneNumber::parse(&v).is_err() => bad(
                "must be a landline number with area code (e.g. 0418-2812345) or an 11-digit mobile number",
                "应为带区号的固定电话（如0418-2812345）或11位手机号码",
            ),
            SettingKey::Email if !is_email(&v) => {
                bad("is not an e-mail address", "电子邮箱格式不正确")
            }
            SettingKey::Website | SettingKey::SystemLink if !is_web_address(&v) => bad(
                "must be an http:// or https:// address",
                "应为以 http:// 或 https:// 开头的网址",
            ),
            SettingKey::SiteCode
                if !(v.len() == 10 && v.chars().all(|c| c.is_ascii_alphanumeric())) =>
            {
                bad(
                    "must be the 10-character 网站标识码",
                    "网站标识码应为10位字母或数字",
                )
            }
            SettingKey::LetterNumber => {
                crate::letter::NumberPattern::parse(&v)?;
                Ok(Some(v))
            }
            SettingKey::Channels => Ok(Some(
                parse_channels(&v)?
                    .iter()
                    .map(|c| c.code())
                    .collect::<Vec<_>>()
                    .join(","),
            )),
            _ => Ok(Some(v)),
        }
    }
}

fn is_email(v: &str) -> bool {
    v.split_once('@').is_some_and(|(u, d)| {
        !u.is_empty()
            && d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && !d.contains('@')
    }) && !v.contains(char::is_whitespace)
}

/// An http(s) address with a host, of printable ASCII without quotes or angle brackets.
fn is_web_address(v: &str) -> bool {
    v.strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .is_some_and(|r| {
            !r.is_empty()
                && !r.starts_with('/')
                && r.chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\'))
        })
}

/// A URL (website, link to the disclosure rules).
const URL: Limit = Limit {
    max_chars: 300,
    lines: text::Lines::Single,
};
/// A code or number (postcode, phone, 备案号, the channel list).
const SHORT: Limit = Limit {
    max_chars: 60,
    lines: text::Lines::Single,
};
/// 政府信息公开制度 as a short text.
const SYSTEM_TEXT: Limit = Limit {
    max_chars: 2_000,
    lines: text::Lines::Multi,
};

/// A comma-separated list of channel codes, each once, in [`Channel::ALL`]'s order.
fn parse_channels(v: &str) -> Result<Vec<Channel>, DomainError> {
    let mut out = Vec::new();
    for part in v
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let c = Channel::from_code(part).map_err(|_| {
            DomainError::invalid(
                "channels",
                "must be a comma-separated list of in_person, post_signed, letter, online, fax, email",
            )
            .zh("受理渠道填写不正确")
        })?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.sort_by_key(|c| Channel::ALL.iter().position(|x| x == c));
    Ok(out)
}

/// How the guide names a channel.
pub fn channel_label_zh(c: Channel) -> &'static str {
    match c {
        Channel::InPerson => "当面提交",
        Channel::PostSigned => "邮政寄送（需签收）",
        Channel::Letter => "平常信函",
        Channel::Online => "互联网（本平台在线申请）",
        Channel::Fax => "传真",
        Channel::Email => "电子邮件",
    }
}

/// One change: `key=value`; an empty value clears the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    pub key: SettingKey,
    /// `None` clears the key.
    pub value: Option<String>,
}

impl SettingChange {
    /// `key=value` as typed on the command line.
    pub fn parse(arg: &str) -> Result<Self, DomainError> {
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            DomainError::invalid(arg, "expected key=value (an empty value clears the key)")
        })?;
        Self::new(key.trim(), value)
    }

    pub fn new(key: &str, value: &str) -> Result<Self, DomainError> {
        let key = SettingKey::from_code(key)?;
        Ok(SettingChange {
            key,
            value: key.validate(value)?,
        })
    }

    /// Validates every change, collecting every bad one.
    pub fn parse_all<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<SettingChange>, Vec<DomainError>> {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (k, v) in pairs {
            match SettingChange::new(k, v) {
                Ok(c) => ok.push(c),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(ok)
        } else {
            Err(errors)
        }
    }
}

/// 机关设置 — an agency's settings: only the keys that are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencySettings {
    values: BTreeMap<SettingKey, String>,
}

impl AgencySettings {
    /// From stored (key, value) rows, each validated when it was written: a known key keeps its
    /// value as stored, a key this version does not know (written by a later one) is left out, so
    /// that no page fails on a settings row.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let values = rows
            .into_iter()
            .filter_map(|(k, v)| Some((SettingKey::from_code(k).ok()?, v.to_string())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        AgencySettings { values }
    }

    pub fn apply(&mut self, changes: &[SettingChange]) {
        for c in changes {
            match &c.value {
                Some(v) => {
                    self.values.insert(c.key, v.clone());
                }
                None => {
                    self.values.remove(&c.key);
                }
            }
        }
    }

    pub fn get(&self, key: SettingKey) -> Option<&str> {
        self.values.get(&key).map(String::as_str)
    }

    /// The keys that are set, in [`SettingKey::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (SettingKey, &str)> {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// The pattern of the agency's letter numbers; the default when not set.
    pub fn letter_number(&self) -> crate::letter::NumberPattern {
        self.get(SettingKey::LetterNumber)
            .and_then(|p| crate::letter::NumberPattern::parse(p).ok())
            .unwrap_or_default()
    }

    /// The channels the office accepts; when not set, the two that may never be refused
    /// (当面, 邮政寄送 — 国办公开办函〔2017〕19号) and this portal.
    pub fn channels(&self) -> Vec<Channel> {
        match self.get(SettingKey::Channels) {
            Some(v) => parse_channels(v).unwrap_or_default(),
            None => vec![Channel::InPerson, Channel::PostSigned, Channel::Online],
        }
    }

    /// The settings as a map of code → value (the API's and the CLI's view).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.code().to_string(), v.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_its_code() {
        for k in SettingKey::ALL {
            assert_eq!(SettingKey::from_code(k.code()), Ok(k));
        }
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_known_ones() {
        let e = SettingChange::parse("telephone=0418-2812345").unwrap_err();
        assert_eq!(e.field(), "telephone");
        assert!(e.reason().contains("office_name"), "{e}");
        assert!(e.reason().contains("phone"), "{e}");
        assert!(SettingChange::parse("no equals sign").is_err());
    }

    #[test]
    fn values_are_validated_per_key() {
        let ok = |k: &str, v: &str| SettingChange::new(k, v).map(|c| c.value);
        assert_eq!(ok("phone", "0418-2812345"), Ok(Some("0418-2812345".into())));
        assert_eq!(ok("phone", "phone me").unwrap_err().field(), "phone");
        assert_eq!(ok("fax", "123").unwrap_err().field(), "fax");
        assert_eq!(ok("postcode", "123000"), Ok(Some("123000".into())));
        assert!(ok("postcode", "12300").is_err());
        assert!(ok("postcode", "12300a").is_err());
        assert!(ok("email", "gk@fuxin.gov.cn").is_ok());
        assert!(ok("email", "gk@localhost").is_err());
        assert!(ok("email", "g k@fuxin.gov.cn").is_err());
        assert!(ok("website", "https://www.fuxin.gov.cn/").is_ok());
        assert!(ok("website", "javascript:alert(1)").is_err());
        assert!(ok("site_code", "2109000012").is_ok());
        assert!(ok("site_code", "21090").is_err());
        assert!(ok("office_name", &"长".repeat(101)).is_err());
        assert!(ok("office_name", "公开办\u{202e}").is_err());
        assert!(ok("system_text", "第一条\n第二条").is_ok());
        assert!(ok("office_hours", "周一\n周二").is_err());
        assert!(ok("letter_number", "阜自然资依复〔{year}〕{serial}号").is_ok());
        assert_eq!(
            ok("letter_number", "阜〔{year}〕号").unwrap_err().field(),
            "letter_number"
        );
        // An empty value clears.
        assert_eq!(ok("phone", "  "), Ok(None));
    }

    #[test]
    fn channels_are_codes_in_a_fixed_order() {
        let c = SettingChange::new("channels", "online, in_person,online").unwrap();
        assert_eq!(c.value.as_deref(), Some("in_person,online"));
        assert_eq!(
            SettingChange::new("channels", "pigeon")
                .unwrap_err()
                .field(),
            "channels"
        );
        let mut s = AgencySettings::default();
        assert_eq!(
            s.channels(),
            vec![Channel::InPerson, Channel::PostSigned, Channel::Online]
        );
        s.apply(&[c]);
        assert_eq!(s.channels(), vec![Channel::InPerson, Channel::Online]);
    }

    #[test]
    fn changes_set_and_clear() {
        let mut s = AgencySettings::default();
        s.apply(
            &SettingChange::parse_all([("office_name", "公开办"), ("phone", "0418-2812345")])
                .unwrap(),
        );
        assert_eq!(s.get(SettingKey::OfficeName), Some("公开办"));
        s.apply(&[SettingChange::parse("phone=").unwrap()]);
        assert_eq!(s.get(SettingKey::Phone), None);
        let errors =
            SettingChange::parse_all([("phone", "x"), ("postcode", "1"), ("office_name", "ok")])
                .unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.field()).collect::<Vec<_>>(),
            ["phone", "postcode"]
        );
        let mut rows: Vec<(&str, &str)> = s.iter().map(|(k, v)| (k.code(), v)).collect();
        rows.push(("a_later_key", "x"));
        let back = AgencySettings::from_rows(rows);
        assert_eq!(back, s);
    }
}
