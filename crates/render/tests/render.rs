//! Renders real and all-zero reports in every format.

use std::io::Read;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai_domain::report::{Report, SECTION_HEADINGS, Sections};
use gongkai_render::{OutputFormat, docx, html, markdown, pdf, render};

const FUXIN: &str = include_str!("../../../fixtures/reports/fuxin-zrzyj-2020.expected.json");

/// The Fuxin 2020 report with (abridged) narrative sections of the published text.
fn fuxin() -> Report {
    let mut report: Report = serde_json::from_str(FUXIN).expect("the fixture parses");
    report.sections = Some(Sections {
        overview: "2020年，阜新市自然资源局政务公开工作紧紧围绕市委、市政府中心工作，深入贯彻《中华人民共和国政府信息公开条例》有关规定。\n\
                   （一）主动公开政府信息情况\n\
                   2020年，通过门户网站主动公开政府信息100余条，所有主动公开信息均上报至市政府网站。\n\
                   （二）依申请公开情况\n\
                   2020年，阜新市自然资源局共受理政府信息公开申请15件，均按照《中华人民共和国政府信息公开条例》按时办结。"
            .to_string(),
        problems: "由于政务公开涉及面广、政策性强，存在公开时间滞后、集中发布等现象。下步，阜新市自然资源局将进一步完善政府信息公开的制度建设。".to_string(),
        other: String::new(),
    });
    report
}

fn zeros_2024() -> Report {
    Report::zeros("某机关", 2024).expect("2024 is a valid year")
}

/// The strings a table-2 row heading must show: the heading itself, or for a sub-row such as
/// `（三）1.属于国家秘密` (drawn as a merged group cell and its own cell) the group's number and
/// the sub-row's own heading.
fn heading_parts(heading: &str) -> Vec<String> {
    let compact: String = heading.split_whitespace().collect();
    match compact.split_once('）') {
        Some((group, leaf)) if leaf.starts_with(|c: char| c.is_ascii_digit()) => {
            vec![format!("{group}）"), leaf.to_string()]
        }
        _ => vec![compact],
    }
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has_table2_headings(report: &Report, text: &str, what: &str) {
    let text = without_whitespace(text);
    for row in report.requests.all_rows() {
        for part in heading_parts(row.heading) {
            assert!(
                text.contains(&part),
                "{what}: row heading {:?} ({part:?}) is missing",
                row.heading
            );
        }
    }
}

#[test]
fn markdown_snapshots() {
    insta::assert_snapshot!("fuxin_2020_md", markdown(&fuxin()));
    insta::assert_snapshot!("zeros_2024_md", markdown(&zeros_2024()));
}

#[test]
fn html_snapshots() {
    insta::assert_snapshot!("fuxin_2020_html", html(&fuxin()));
    insta::assert_snapshot!("zeros_2024_html", html(&zeros_2024()));
}

#[test]
fn markdown_and_html_carry_every_heading() {
    for report in [fuxin(), zeros_2024()] {
        let md = markdown(&report);
        let page = html(&report);
        for heading in SECTION_HEADINGS {
            assert!(md.contains(heading), "md lacks {heading}");
            assert!(page.contains(heading), "html lacks {heading}");
        }
        assert_has_table2_headings(&report, &md, "md");
        assert_has_table2_headings(&report, &page, "html");
    }
}

#[test]
fn empty_sections_read_none() {
    let md = markdown(&zeros_2024());
    let five = md.split("## 五、").nth(1).expect("section 五");
    assert!(five.contains("无"));
}

#[test]
fn user_text_is_escaped() {
    let mut report = zeros_2024();
    report.agency = "<script>alert(1)</script>&局\"".to_string();
    report.sections = Some(Sections {
        overview: "# not a heading\n| a | b |\n<b>粗体</b> #set text(red) $x$ \\ \"".to_string(),
        problems: "1. 列表？ *强调* _下划线_ [链接](http://x)".to_string(),
        other: "]) #panic(\"boom\")".to_string(),
    });
    let page = html(&report);
    assert!(!page.contains("<script>"));
    assert!(!page.contains("<b>"));
    assert!(page.contains("&lt;script&gt;") || page.contains("&#60;script&#62;"));
    let md = markdown(&report);
    assert!(md.contains("\\<script\\>"));
    assert!(md.contains("\\| a \\| b \\|"));
    assert!(md.contains("\\# not a heading"));
    let bytes = pdf(&report).expect("user text cannot break the PDF");
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = pdftotext(&bytes) {
        assert!(text.contains("#panic(\"boom\")"), "{text}");
        assert!(text.contains("<script>"));
    }
    let docx_bytes = docx(&report).expect("docx");
    let xml = document_xml(&docx_bytes);
    assert!(xml.contains("&lt;script&gt;"));
}

fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut file = zip.by_name("word/document.xml").expect("word/document.xml");
    let mut xml = String::new();
    file.read_to_string(&mut xml).expect("UTF-8 XML");
    xml
}

#[test]
fn docx_opens_and_has_the_tables() {
    for report in [fuxin(), zeros_2024()] {
        let bytes = docx(&report).expect("docx renders");
        let xml = document_xml(&bytes);
        assert!(xml.contains(&report.agency));
        for heading in SECTION_HEADINGS {
            assert!(xml.contains(heading), "docx lacks {heading}");
        }
        assert_has_table2_headings(&report, &xml, "docx");
        // Merged heading cells.
        assert!(xml.contains("w:gridSpan"));
        assert!(xml.contains("w:vMerge"));
        assert!(xml.contains("w:eastAsia=\"宋体\""));
        assert_eq!(xml.matches("<w:tbl>").count(), 3);
    }
    let xml = document_xml(&docx(&fuxin()).unwrap());
    assert!(xml.contains(">988<"));
    assert!(xml.contains(">1858 万元<"));
}

/// The text of a PDF by `pdftotext`, or `None` where poppler-utils is not installed.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "gongkai-render-{}-{}.pdf",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).ok()?;
    // -raw keeps the content stream's order: typst writes a table row by row, so each row of
    // table 2 comes out as its heading followed by its figures.
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            eprintln!("pdftotext not installed: PDF text not checked");
            None
        }
    }
}

#[test]
fn pdf_gives_its_text_back() {
    for report in [fuxin(), zeros_2024()] {
        let bytes = pdf(&report).expect("pdf renders");
        assert!(bytes.starts_with(b"%PDF"));
        let Some(text) = pdftotext(&bytes) else {
            return;
        };
        let compact = without_whitespace(&text);
        assert!(compact.contains(&without_whitespace(&report.agency)));
        for heading in SECTION_HEADINGS {
            assert!(compact.contains(heading), "pdf lacks {heading}:\n{text}");
        }
        assert_has_table2_headings(&report, &text, "pdf");
    }
    let text = pdftotext(&pdf(&fuxin()).unwrap());
    if let Some(text) = text {
        let words: Vec<&str> = text.split_whitespace().collect();
        for number in ["988", "-4", "43", "54", "15", "13"] {
            assert!(words.contains(&number), "pdf lacks {number}:\n{text}");
        }
        assert!(without_whitespace(&text).contains("1858万元"));
    }
}

#[test]
fn render_dispatches_every_format() {
    let report = fuxin();
    for format in OutputFormat::ALL {
        let bytes = render(&report, format).expect("renders");
        assert!(!bytes.is_empty(), "{format}");
    }
    let json: Report =
        serde_json::from_slice(&render(&report, OutputFormat::Json).unwrap()).unwrap();
    assert_eq!(json, report);
}

#[test]
fn blank_cells_stay_blank_and_money_keeps_its_unit() {
    let mut report = fuxin();
    report.requests.new[0] = None;
    let md = markdown(&report);
    assert!(
        md.contains("| 一、本年新收政府信息公开申请数量 |  | 2 |"),
        "{md}"
    );
    let page = html(&report);
    assert!(page.contains("<td class=\"num\"></td>"));

    let mut report = zeros_2024();
    if let gongkai_domain::report::Proactive::F2021(p) = &mut report.proactive {
        p.fees.amount_wan_yuan = Some(gongkai_domain::report::WanYuan(96171.6));
    }
    let md = markdown(&report);
    assert!(md.contains("| 信息内容 | 本年收费金额（单位：万元） |"));
    assert!(md.contains("| 行政事业性收费 | 96171.6 |"));
}

#[test]
fn the_editor_fragment_links_the_cells_it_is_asked_to() {
    let report = fuxin();
    // No links asked for: the portal's fragment itself.
    let plain = gongkai_render::html_fragment(&report).unwrap();
    let same = gongkai_render::html_fragment_linked(&report, &|_: &str, _: &str| None).unwrap();
    assert_eq!(plain, same);
    // Every figure of tables 2 and 3 is offered with its JSON path, table 1's none.
    let mut offered = std::cell::RefCell::new(Vec::new());
    let linked = gongkai_render::html_fragment_linked(&report, &|path: &str, text: &str| {
        offered.borrow_mut().push(path.to_string());
        (text != "0").then(|| format!("/cells/{path}"))
    })
    .unwrap();
    let offered = offered.get_mut();
    assert!(
        offered
            .iter()
            .all(|p| p.starts_with("requests.") || p.starts_with("review."))
    );
    assert!(offered.contains(&"requests.disclosed[0]".to_string()));
    assert!(offered.contains(&"review.litigation_after_reconsideration.total".to_string()));
    assert_eq!(offered.len(), report.requests.all_rows().len() * 7 + 15);
    let new = report.requests.new[6].unwrap();
    assert!(new > 0);
    assert!(
        linked.contains(&format!(
            "<td class=\"num\"><a href=\"/cells/requests.new[6]\">{new}</a></td>"
        )),
        "{linked}"
    );
    assert!(!linked.contains("<a href=\"/cells/review.reconsideration.pending\">0</a>"));
}
