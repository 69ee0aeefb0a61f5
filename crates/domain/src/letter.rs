//! 告知书 — the letters of the procedure: which event produces which letter, the article each
//! cites, the remedy clause of an answer, the default templates, the placeholder language an
//! agency edits them in, and the agency's numbering pattern (文号).
//!
//! All of it is data and pure functions: the application fills a template with the facts of a
//! request, the renderer typesets the text, the store numbers and freezes the file.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

use crate::DomainError;
use crate::outcome::Outcome;
use crate::request::{CONSULTATION_REPLY_DAYS, ConsultedParty, Event};
use crate::text::{self, Limit};

/// The regulation every letter cites.
pub const REGULATION: &str = "《中华人民共和国政府信息公开条例》";

/// Said for the 复议机关 when the agency has not named one in its settings (`review_body`).
pub const REVIEW_BODY_UNNAMED: &str = "依法有管辖权的行政复议机关";

/// Days within which a reconsideration may be applied for (《中华人民共和国行政复议法》第二十条).
pub const RECONSIDERATION_DAYS: u32 = 60;
/// Months within which an administrative suit may be brought (《中华人民共和国行政诉讼法》第四十六条).
pub const LITIGATION_MONTHS: u32 = 6;

/// 救济途径 — the remedy clause of an answer (Art. 51 of the regulation; 行政复议法 Art. 20,
/// 行政诉讼法 Art. 46), naming the agency's 复议机关.
pub fn remedy_clause(review_body: Option<&str>) -> String {
    let body = review_body
        .filter(|b| !b.trim().is_empty())
        .unwrap_or(REVIEW_BODY_UNNAMED);
    format!(
        "如对本答复不服，可以自收到本告知书之日起{RECONSIDERATION_DAYS}日内向{body}申请行政复议，\
         或者自收到本告知书之日起{LITIGATION_MONTHS}个月内依法向人民法院提起行政诉讼。"
    )
}

/// 告知书种类 — the kind of a letter. Answers are grouped as the rows of report table 2; the
/// outcome itself fills in the heading and the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LetterKind {
    /// 受理回执 (Art. 31: the day the request counts as received; Art. 33: the answer's
    /// deadline), to the applicant, sent by the `received` event. Its number is the request's
    /// 申请编号 ([`LetterKind::numbered_by_request`]).
    Receipt,
    /// 补正告知书 (Art. 30), to the applicant.
    Correction,
    /// 延期答复告知书 (Art. 33), to the applicant.
    Extension,
    /// 征求意见书 to a third party (Art. 32) — never shown to the applicant.
    ConsultThirdParty,
    /// 征求意见书 to a co-maker agency (Art. 34) — never shown to the applicant.
    ConsultCoMaker,
    /// 收费通知书 (Art. 42; 国办函〔2020〕109号), to the applicant.
    FeeNotice,
    /// 答复告知书, one template per group of outcomes (予以公开, 部分公开, 不予公开, 无法提供,
    /// 不予处理, 其他处理).
    Answer(AnswerGroup),
}

/// The six groups of report table 2, as the answer letters are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AnswerGroup {
    Disclosed,
    PartiallyDisclosed,
    Withheld,
    UnableToProvide,
    NotProcessed,
    Other,
}

impl AnswerGroup {
    pub fn of(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Disclosed => AnswerGroup::Disclosed,
            Outcome::PartiallyDisclosed => AnswerGroup::PartiallyDisclosed,
            Outcome::Withheld(_) => AnswerGroup::Withheld,
            Outcome::UnableToProvide(_) => AnswerGroup::UnableToProvide,
            Outcome::NotProcessed(_) => AnswerGroup::NotProcessed,
            Outcome::Other(_) => AnswerGroup::Other,
        }
    }
}

/// One kind's data: code, title, the article behind it, to whom, and its default template.
struct KindInfo {
    kind: LetterKind,
    code: &'static str,
    title: &'static str,
    /// The article(s) of the regulation (or other rule) the letter rests on; an answer cites its
    /// outcome's [`Outcome::article`] instead.
    article: &'static str,
    to_applicant: bool,
    template: &'static str,
}

use AnswerGroup as G;
use LetterKind as K;

const KINDS: [KindInfo; 12] = [
    KindInfo {
        kind: K::Receipt,
        code: "receipt",
        title: "政府信息公开申请受理回执",
        article: "第三十一条",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n根据{条例}{依据条款}的规定，该日为本机关收到申请之日。本机关将依照条例第三十三条的规定，于{答复期限}前作出答复；申请内容不明确需要补正、依法延长答复期限或者征求第三方意见的，将另行书面告知。\n您（单位）可凭申请编号和查询码在本机关政府信息公开专栏查询办理进度和告知书。",
    },
    KindInfo {
        kind: K::Correction,
        code: "correction",
        title: "政府信息公开申请补正告知书",
        article: "第三十条",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}）。经审查，申请内容不够明确，根据{条例}{依据条款}的规定，请您（单位）对以下内容作出补正：{补正事项}。\n请于{补正期限}前补正。答复期限自本机关收到补正后的申请之日起计算；无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    },
    KindInfo {
        kind: K::Extension,
        code: "extension",
        title: "政府信息公开申请延期答复告知书",
        article: "第三十三条第二款",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}）。因{延期理由}，不能在规定期限内作出答复。经本机关政府信息公开工作机构负责人同意，根据{条例}{依据条款}的规定，答复期限延长{延长天数}个工作日，本机关将于{答复期限}前作出答复。",
    },
    KindInfo {
        kind: K::ConsultThirdParty,
        code: "consultation.third_party",
        title: "政府信息公开征求第三方意见书",
        article: "第三十二条",
        to_applicant: false,
        template: "{征求对象}：\n本机关收到政府信息公开申请（申请编号：{申请编号}），申请公开的信息为：{所需信息}。该信息的公开可能损害您（单位）的合法权益，根据{条例}{依据条款}的规定，现书面征求您（单位）的意见。请自收到本意见书之日起{意见期限}个工作日内提出书面意见；逾期未提出意见的，由本机关依照条例的规定决定是否公开。",
    },
    KindInfo {
        kind: K::ConsultCoMaker,
        code: "consultation.co_maker",
        title: "政府信息公开征求意见函",
        article: "第三十四条",
        to_applicant: false,
        template: "{征求对象}：\n本机关收到政府信息公开申请（申请编号：{申请编号}），申请公开的信息为：{所需信息}，系与贵机关共同制作的政府信息。根据{条例}{依据条款}的规定，现征求贵机关意见。请自收到本函之日起{意见期限}个工作日内提出意见；逾期未提出意见的，视为同意公开。",
    },
    KindInfo {
        kind: K::FeeNotice,
        code: "fee_notice",
        title: "政府信息公开信息处理费收费通知书",
        article: "第四十二条",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}）。根据{条例}{依据条款}和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本申请按{收费依据}收取信息处理费{收费金额}元。请自收到本通知书次日起{缴费期限}个工作日内缴纳；逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    },
    KindInfo {
        kind: K::Answer(G::Disclosed),
        code: "answer.disclosed",
        title: "政府信息公开申请答复书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n经审查，根据{条例}{依据条款}的规定，本机关决定对您（单位）申请的信息{办理结果}，现将有关信息提供给您（单位）。\n{救济途径}",
    },
    KindInfo {
        kind: K::Answer(G::PartiallyDisclosed),
        code: "answer.partially_disclosed",
        title: "政府信息部分公开告知书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n经审查，您（单位）申请的信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。根据{条例}{依据条款}的规定，本机关{办理结果}，向您（单位）提供可以公开的信息内容，不予公开的部分另行说明理由。\n{救济途径}",
    },
    KindInfo {
        kind: K::Answer(G::Withheld),
        code: "answer.withheld",
        title: "政府信息不予公开告知书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n经审查，您（单位）申请的信息{办理结果}。根据{条例}{依据条款}的规定，本机关决定不予公开。\n{救济途径}",
    },
    KindInfo {
        kind: K::Answer(G::UnableToProvide),
        code: "answer.unable_to_provide",
        title: "政府信息无法提供告知书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n经审查，{办理结果}。根据{条例}{依据条款}的规定，本机关无法提供您（单位）申请的信息。\n{救济途径}",
    },
    KindInfo {
        kind: K::Answer(G::NotProcessed),
        code: "answer.not_processed",
        title: "政府信息公开申请不予处理告知书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n经审查，您（单位）的申请属于{办理结果}的情形。根据{条例}{依据条款}的规定，本机关不作为政府信息公开申请处理。\n{救济途径}",
    },
    KindInfo {
        kind: K::Answer(G::Other),
        code: "answer.other",
        title: "政府信息公开申请办理结果告知书",
        article: "",
        to_applicant: true,
        template: "{申请人}：\n本机关于{收到申请日期}收到您（单位）提出的政府信息公开申请（申请编号：{申请编号}），所需信息为：{所需信息}。\n您（单位）的申请办理结果为：{办理结果}（{依据条款}）。\n{救济途径}",
    },
];

impl LetterKind {
    /// Every kind, in the order of [`KINDS`].
    pub fn all() -> impl Iterator<Item = LetterKind> {
        KINDS.iter().map(|k| k.kind)
    }

    fn info(self) -> &'static KindInfo {
        // Every kind has its row (the first is only a fallback that is never taken).
        KINDS.iter().find(|k| k.kind == self).unwrap_or(&KINDS[0])
    }

    /// Stable code (`correction`, `answer.withheld`, …): the template's key and the API's.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// The letter's title.
    pub fn title_zh(self) -> &'static str {
        self.info().title
    }

    /// Whether the letter is addressed to the applicant (and offered on the tracking page). A
    /// consultation letter is addressed to the consulted party, whose name the applicant must
    /// never see.
    pub fn to_applicant(self) -> bool {
        self.info().to_applicant
    }

    /// Whether the letter is an answer (and so carries the remedy clause).
    pub fn is_answer(self) -> bool {
        matches!(self, LetterKind::Answer(_))
    }

    /// The default template, embedded in the binary.
    pub fn default_template(self) -> &'static str {
        self.info().template
    }

    /// Whether the letter's number is its request's 申请编号 rather than the next of the agency's
    /// 文号 series: the 受理回执 acknowledges a request and decides nothing, so the agency's
    /// numbered series (`阜自然资依复〔2025〕N号`) stays the 告知书's that do.
    pub fn numbered_by_request(self) -> bool {
        self == LetterKind::Receipt
    }

    /// The letter an event produces, if any: the `received` event the 受理回执 (frozen with it;
    /// the portal's printable 回执 with the 查询码, `render::receipt`, is made on demand beside
    /// it), the others their notices; the other events (a correction received, a consultation
    /// answered, a fee paid, a withdrawal, a void) send no letter.
    pub fn for_event(event: &Event) -> Option<LetterKind> {
        match event {
            Event::Received { .. } => Some(K::Receipt),
            Event::CorrectionRequested { .. } => Some(K::Correction),
            Event::Extended { .. } => Some(K::Extension),
            Event::ConsultationStarted { party, .. } => Some(match party {
                ConsultedParty::ThirdParty => K::ConsultThirdParty,
                ConsultedParty::CoMakerAgency => K::ConsultCoMaker,
            }),
            Event::FeeNoticed { .. } => Some(K::FeeNotice),
            Event::Answered { .. } | Event::DeemedAbandoned { .. } => {
                outcome_of(event).map(|o| K::Answer(AnswerGroup::of(o)))
            }
            _ => None,
        }
    }

    /// The article the letter cites: the outcome's for an answer, the kind's otherwise.
    pub fn article(self, outcome: Option<Outcome>) -> &'static str {
        match (self, outcome) {
            (LetterKind::Answer(_), Some(o)) => o.article(),
            _ => self.info().article,
        }
    }

    /// The placeholders a template of this kind may use.
    pub fn placeholders(self) -> Vec<Placeholder> {
        use Placeholder as P;
        let mut v = vec![
            P::Agency,
            P::Number,
            P::ReceivedOn,
            P::Description,
            P::LetterNo,
            P::IssuedOn,
            P::Regulation,
            P::Article,
        ];
        match self {
            K::Receipt => v.extend([P::Applicant, P::DueOn]),
            K::Correction => v.extend([P::Applicant, P::CorrectionItems, P::CorrectBy]),
            K::Extension => {
                v.extend([P::Applicant, P::ExtensionDays, P::ExtensionReason, P::DueOn])
            }
            K::ConsultThirdParty | K::ConsultCoMaker => v.extend([P::Consulted, P::ReplyDays]),
            K::FeeNotice => v.extend([P::Applicant, P::FeeBasis, P::FeeAmount, P::PaymentDays]),
            K::Answer(_) => v.extend([P::Applicant, P::Outcome, P::Remedy, P::ReviewBody]),
        }
        v
    }

    /// The placeholders a template of this kind must use: an answer cites its article and the
    /// remedy clause, every other letter its article.
    pub fn required(self) -> &'static [Placeholder] {
        match self {
            K::Answer(_) => &[Placeholder::Article, Placeholder::Remedy],
            _ => &[Placeholder::Article],
        }
    }
}

/// The outcome an event concludes the request with: an answer's, or the 其他处理 row of a
/// request deemed abandoned (Art. 30; 109号).
pub fn outcome_of(event: &Event) -> Option<Outcome> {
    match event {
        Event::Answered { outcome, .. } => Some(*outcome),
        Event::DeemedAbandoned { reason, .. } => Some(Outcome::Other(reason.row())),
        _ => None,
    }
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for LetterKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KINDS
            .iter()
            .find(|k| k.code == s)
            .map(|k| k.kind)
            .ok_or_else(|| {
                let known: Vec<&str> = KINDS.iter().map(|k| k.code).collect();
                DomainError::invalid(
                    "kind",
                    format!(
                        "'{s}' is not a letter kind; expected one of {}",
                        known.join(", ")
                    ),
                )
                .zh("没有这种告知书")
            })
    }
}

impl Serialize for LetterKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for LetterKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// 占位符 — a value a template may name in braces, `{申请编号}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    Agency,
    Applicant,
    Number,
    ReceivedOn,
    Description,
    LetterNo,
    IssuedOn,
    Regulation,
    Article,
    CorrectionItems,
    CorrectBy,
    ExtensionDays,
    ExtensionReason,
    DueOn,
    Consulted,
    ReplyDays,
    FeeBasis,
    FeeAmount,
    PaymentDays,
    Outcome,
    Remedy,
    ReviewBody,
}

const PLACEHOLDERS: [(Placeholder, &str); 22] = [
    (Placeholder::Agency, "机关名称"),
    (Placeholder::Applicant, "申请人"),
    (Placeholder::Number, "申请编号"),
    (Placeholder::ReceivedOn, "收到申请日期"),
    (Placeholder::Description, "所需信息"),
    (Placeholder::LetterNo, "文号"),
    (Placeholder::IssuedOn, "日期"),
    (Placeholder::Regulation, "条例"),
    (Placeholder::Article, "依据条款"),
    (Placeholder::CorrectionItems, "补正事项"),
    (Placeholder::CorrectBy, "补正期限"),
    (Placeholder::ExtensionDays, "延长天数"),
    (Placeholder::ExtensionReason, "延期理由"),
    (Placeholder::DueOn, "答复期限"),
    (Placeholder::Consulted, "征求对象"),
    (Placeholder::ReplyDays, "意见期限"),
    (Placeholder::FeeBasis, "收费依据"),
    (Placeholder::FeeAmount, "收费金额"),
    (Placeholder::PaymentDays, "缴费期限"),
    (Placeholder::Outcome, "办理结果"),
    (Placeholder::Remedy, "救济途径"),
    (Placeholder::ReviewBody, "复议机关"),
];

impl Placeholder {
    /// The name a template writes in braces.
    pub fn name(self) -> &'static str {
        PLACEHOLDERS
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, n)| n)
    }

    fn by_name(name: &str) -> Option<Placeholder> {
        PLACEHOLDERS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(p, _)| *p)
    }
}

/// A template's longest text.
pub const TEMPLATE: Limit = Limit {
    max_chars: 5_000,
    lines: text::Lines::Multi,
};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(Placeholder),
}

/// 模板 — a letter template, checked: text with `{名称}` placeholders of its kind (`{{` and `}}`
/// write a brace). An unknown placeholder, an unclosed brace or a missing required placeholder
/// is an error that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    kind: LetterKind,
    body: String,
    pieces: Vec<Piece>,
}

impl Template {
    pub fn parse(kind: LetterKind, body: &str) -> Result<Self, DomainError> {
        let body = text::clean("body", body, TEMPLATE)?;
        if body.is_empty() {
            return Err(DomainError::invalid("body", "must not be empty").zh("模板不能为空"));
        }
        let allowed = kind.placeholders();
        let mut pieces = Vec::new();
        let mut text_run = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text_run.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text_run.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => {
                                return Err(DomainError::invalid(
                                    "body",
                                    format!("placeholder {{{name} is not closed with }}"),
                                )
                                .zh(format!("占位符“{{{name}”缺少右花括号")));
                            }
                            Some(c) => name.push(c),
                        }
                    }
                    let p = Placeholder::by_name(&name)
                        .filter(|p| allowed.contains(p))
                        .ok_or_else(|| {
                            let known: Vec<String> = allowed
                                .iter()
                                .map(|p| format!("{{{}}}", p.name()))
                                .collect();
                            DomainError::invalid(
                                "body",
                                format!(
                                    "unknown placeholder {{{name}}}; a {} letter knows {}",
                                    kind.code(),
                                    known.join(" ")
                                ),
                            )
                            .zh(format!("未知的占位符“{{{name}}}”"))
                        })?;
                    if !text_run.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text_run)));
                    }
                    pieces.push(Piece::Value(p));
                }
                '}' => {
                    return Err(
                        DomainError::invalid("body", "a lone } (write }} for a brace)")
                            .zh("多余的右花括号（花括号本身请写作 }} ）"),
                    );
                }
                c => text_run.push(c),
            }
        }
        if !text_run.is_empty() {
            pieces.push(Piece::Text(text_run));
        }
        for r in kind.required() {
            if !pieces.contains(&Piece::Value(*r)) {
                return Err(DomainError::invalid(
                    "body",
                    format!("a {} letter must contain {{{}}}", kind.code(), r.name()),
                )
                .zh(format!("模板须包含占位符“{{{}}}”", r.name())));
            }
        }
        Ok(Template { kind, body, pieces })
    }

    /// The kind's default template.
    pub fn default_for(kind: LetterKind) -> Self {
        // The defaults are checked by the tests; a default that failed would be a bug here.
        Template::parse(kind, kind.default_template()).unwrap_or(Template {
            kind,
            body: String::new(),
            pieces: Vec::new(),
        })
    }

    pub fn kind(&self) -> LetterKind {
        self.kind
    }

    /// The text as stored.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The text with every placeholder replaced by `value(p)`, split into paragraphs at line
    /// breaks (empty lines dropped).
    pub fn fill(&self, value: impl Fn(Placeholder) -> String) -> Vec<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(p) => out.push_str(&value(*p)),
            }
        }
        out.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The reply days of a consultation (Art. 32, 34), as `{意见期限}` says.
pub const fn reply_days() -> u32 {
    CONSULTATION_REPLY_DAYS
}

/// 文号规则 — the agency's pattern of letter numbers (setting `letter_number`): text with
/// `{year}` (at most once) and `{serial}` (exactly once), e.g. `阜自然资依复〔{year}〕{serial}号`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern(String);

/// The pattern of an agency that has set none.
pub const DEFAULT_NUMBER_PATTERN: &str = "依申请公开〔{year}〕{serial}号";

impl NumberPattern {
    pub fn parse(pattern: &str) -> Result<Self, DomainError> {
        let field = "letter_number";
        let bad = |en: &str, zh: &str| DomainError::invalid(field, en).zh(zh);
        let mut rest = pattern;
        let (mut years, mut serials) = (0, 0);
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                return Err(bad("a { is not closed", "文号规则中的花括号未闭合"));
            };
            match &rest[start + 1..start + len] {
                "year" => years += 1,
                "serial" => serials += 1,
                other => {
                    return Err(bad(
                        &format!("unknown placeholder {{{other}}}; only {{year}} and {{serial}}"),
                        "文号规则只能使用 {year} 和 {serial}",
                    ));
                }
            }
            rest = &rest[start + len + 1..];
        }
        if rest.contains('}') || pattern.matches('}').count() != years + serials {
            return Err(bad("a lone }", "文号规则中有多余的右花括号"));
        }
        if serials != 1 || years > 1 {
            return Err(bad(
                "must contain {serial} once and {year} at most once",
                "文号规则须包含一次 {serial}，{year} 至多一次",
            ));
        }
        Ok(NumberPattern(pattern.to_string()))
    }

    /// The number as a preview shows it, before a serial is allocated (`〔2025〕×号`).
    pub fn preview(&self, year: i32) -> String {
        self.0
            .replace("{year}", &year.to_string())
            .replace("{serial}", "×")
    }

    /// The number of the `serial`th letter of `year`.
    pub fn format(&self, year: i32, serial: i64) -> String {
        self.0
            .replace("{year}", &year.to_string())
            .replace("{serial}", &serial.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for NumberPattern {
    fn default() -> Self {
        NumberPattern(DEFAULT_NUMBER_PATTERN.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn every_default_template_parses_and_cites_its_article() {
        for kind in LetterKind::all() {
            let t = Template::parse(kind, kind.default_template())
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(t, Template::default_for(kind));
            let text = t.fill(|p| format!("<{}>", p.name())).join("\n");
            assert!(text.contains("<依据条款>"), "{kind}");
            assert_eq!(kind.code().parse::<LetterKind>().unwrap(), kind);
        }
    }

    #[test]
    fn an_unknown_placeholder_is_named() {
        let e = Template::parse(K::Correction, "{申请人}{依据条款}{收费金额}").unwrap_err();
        assert_eq!(e.field(), "body");
        assert!(e.reason().contains("{收费金额}"), "{e}");
        let e = Template::parse(K::Correction, "{依据条款}{申请人").unwrap_err();
        assert!(e.reason().contains("not closed"), "{e}");
        let e = Template::parse(K::Answer(G::Withheld), "{依据条款}").unwrap_err();
        assert!(e.reason().contains("{救济途径}"), "{e}");
        let t = Template::parse(K::Correction, "{{申请人}} {依据条款}").unwrap();
        assert_eq!(t.fill(|_| "第三十条".into()), ["{申请人} 第三十条"]);
    }

    #[test]
    fn events_produce_their_letters_and_consultations_stay_internal() {
        let on = NaiveDate::from_ymd_opt(2025, 6, 9).unwrap();
        let answered = Event::Answered {
            on,
            outcome: Outcome::PartiallyDisclosed,
            letter_no: None,
        };
        let kind = LetterKind::for_event(&answered).unwrap();
        assert_eq!(kind, K::Answer(G::PartiallyDisclosed));
        assert_eq!(
            kind.article(Some(Outcome::PartiallyDisclosed)),
            "第三十七条"
        );
        let consult = Event::ConsultationStarted {
            on,
            party: ConsultedParty::ThirdParty,
            with: "某公司".into(),
        };
        assert!(!LetterKind::for_event(&consult).unwrap().to_applicant());
        assert_eq!(LetterKind::for_event(&Event::Corrected { on }), None);
    }

    #[test]
    fn the_remedy_clause_names_the_review_body() {
        let r = remedy_clause(Some("阜新市人民政府"));
        assert!(r.contains("60日内向阜新市人民政府申请行政复议"), "{r}");
        assert!(r.contains("6个月内"), "{r}");
        assert!(remedy_clause(None).contains(REVIEW_BODY_UNNAMED));
    }

    #[test]
    fn number_patterns_are_checked() {
        let p = NumberPattern::parse("阜自然资依复〔{year}〕{serial}号").unwrap();
        assert_eq!(p.format(2025, 7), "阜自然资依复〔2025〕7号");
        assert!(NumberPattern::parse("阜〔{year}〕号").is_err());
        assert!(NumberPattern::parse("{serial}{serial}").is_err());
        assert!(NumberPattern::parse("{serial}{month}").is_err());
        assert!(NumberPattern::parse("{serial}}").is_err());
        assert!(NumberPattern::parse("{serial").is_err());
        assert_eq!(
            NumberPattern::default().format(2026, 1),
            "依申请公开〔2026〕1号"
        );
    }
}
