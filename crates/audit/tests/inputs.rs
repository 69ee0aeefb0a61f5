//! Inputs of every kind through the command: HTML with merged cells, DOCX, PDF, batches, CSV,
//! the previous year, and unreadable input (exit 2, one line, never a panic).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{FIXTURES, Layout, fixture, random_report, render};
use gongkai_audit::batch::{AuditArgs, run_with};
use gongkai_audit::{AuditError, extract_bytes};
use gongkai_domain::report::Report;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

fn args(files: Vec<PathBuf>) -> AuditArgs {
    AuditArgs {
        files,
        json: false,
        csv: false,
        previous: None,
    }
}

/// Runs the command; (exit code, stdout, stderr).
fn run(a: AuditArgs) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(a, &mut out, &mut err, &mut |_, _| {});
    (
        code,
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(err).expect("utf-8"),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Table 2 of a report as the official HTML layout: 三、本年度办理结果 spans the outcome rows,
/// the groups （三）（四）（五） span their items, 一/二/四 span three label columns.
fn html_of(r: &Report) -> String {
    let text = render(r, Layout::Tabs);
    let (before, rest) = text
        .split_once("三、收到和处理政府信息公开申请情况")
        .expect("table 2");
    let (_, after) = rest
        .split_once("\n四、政府信息公开行政复议")
        .expect("table 3");
    let mut h = String::from(
        "<html><head><style>td{}</style><script>var a='<td>9</td>';</script></head><body>",
    );
    for line in before.lines() {
        h.push_str(&format!("<p>{}</p>\n", escape(&line.replace('\t', " "))));
    }
    h.push_str("<p>三、收到和处理政府信息公开申请情况</p><table>");
    h.push_str("<tr><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=\"6\">申请人情况</td><td rowspan=\"3\">总计</td></tr>");
    h.push_str("<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td></tr><tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>");
    let rows = r.requests.all_rows();
    let outcome_count = r.requests.outcome_rows().len() + 1;
    let mut first_outcome = true;
    let mut open_group = "";
    for row in &rows {
        let cells: String = row
            .row
            .iter()
            .map(|c| format!("<td>{}</td>", c.map(|v| v.to_string()).unwrap_or_default()))
            .collect();
        let group = match row.path.split('.').nth(1) {
            Some("withheld") => Some(("（三）不予公开", 8)),
            Some("unable_to_provide") => Some(("（四）无法提供", 3)),
            Some("not_processed") => Some(("（五）不予处理", 5)),
            Some("other") if r.requests.other.no_correction.is_some() => {
                Some(("（六）其他处理", 3))
            }
            _ => None,
        };
        let mut label = String::new();
        let is_outcome = !matches!(
            row.path,
            "requests.new" | "requests.carried_over" | "requests.carried_forward"
        );
        if !is_outcome {
            label.push_str(&format!("<td colspan=\"3\">{}</td>", row.heading));
        } else {
            if first_outcome {
                label.push_str(&format!(
                    "<td rowspan=\"{outcome_count}\">三、本年度办理结果</td>"
                ));
                first_outcome = false;
            }
            match group {
                Some((g, n)) => {
                    if open_group != g {
                        label.push_str(&format!("<td rowspan=\"{n}\">{g}</td>"));
                        open_group = g;
                    }
                    let item = row.heading.split_once('）').map_or(row.heading, |x| x.1);
                    label.push_str(&format!("<td>{item}</td>"));
                }
                None => label.push_str(&format!("<td colspan=\"2\">{}</td>", row.heading)),
            }
        }
        h.push_str(&format!("<tr>{label}{cells}</tr>\n"));
    }
    h.push_str("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>");
    let mut lines = after.lines();
    for line in lines.by_ref() {
        if line.starts_with("五、") {
            h.push_str(&format!("</table><p>{line}</p>"));
            break;
        }
        let cells: String = line
            .split([' ', '\t'])
            .map(|c| format!("<td>{c}</td>"))
            .collect();
        h.push_str(&format!("<tr>{cells}</tr>"));
    }
    for line in lines {
        h.push_str(&format!("<p>{}</p>", escape(line)));
    }
    h.push_str("</body></html>");
    h
}

#[test]
fn html_tables_with_merged_cells() {
    let mut rng = StdRng::seed_from_u64(3);
    for year in [2020, 2023] {
        let report = random_report(&mut rng, year);
        let html = html_of(&report);
        let x = extract_bytes(html.as_bytes(), Some("report.html")).expect("a report");
        assert_eq!(
            x.report.figures_json(),
            report.figures_json(),
            "{year}\n{html}"
        );
        assert!(x.audit(None).findings.unwrap_or_default().is_empty());
    }
}

/// The fixture's text as a DOCX: paragraphs, and tab-separated lines as table rows.
fn docx_of(text: &str) -> Vec<u8> {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('\t') {
            if !in_table {
                body.push_str("<w:tbl>");
                in_table = true;
            }
            body.push_str("<w:tr>");
            for cell in line.split('\t') {
                body.push_str(&format!(
                    "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
                    escape(cell)
                ));
            }
            body.push_str("</w:tr>");
        } else {
            if in_table {
                body.push_str("</w:tbl>");
                in_table = false;
            }
            body.push_str(&format!(
                "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
                escape(line)
            ));
        }
    }
    if in_table {
        body.push_str("</w:tbl>");
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).expect("zip");
    zip.write_all(b"<Types/>").expect("zip");
    zip.start_file("word/document.xml", opts).expect("zip");
    zip.write_all(xml.as_bytes()).expect("zip");
    zip.finish().expect("zip");
    buf.into_inner()
}

#[test]
fn docx_reports() {
    let x = extract_bytes(
        &docx_of(&fixture("fuxin-zrzyj-2020.txt")),
        Some("fuxin.docx"),
    )
    .expect("a report");
    let expected: Value = serde_json::from_str(&fixture("fuxin-zrzyj-2020.expected.json")).unwrap();
    assert_eq!(x.report.figures_json(), expected);
}

/// A PDF whose text layer is `lines` (cells at their own x positions), with a Type0 font and a
/// ToUnicode map, as Chinese PDFs are made.
fn pdf_of(lines: &[String]) -> Vec<u8> {
    let mut chars: Vec<char> = lines
        .iter()
        .flat_map(|l| l.chars())
        .filter(|c| *c != '\t')
        .collect();
    chars.sort();
    chars.dedup();
    let cid = |c: char| chars.binary_search(&c).map(|i| i + 1).unwrap_or(1);
    let mut content = String::from("BT /F1 10 Tf\n");
    let top = 20 + 14 * lines.len();
    for (n, line) in lines.iter().enumerate() {
        let mut x = 20;
        for cell in line.split('\t') {
            let hex: String = cell.chars().map(|c| format!("{:04X}", cid(c))).collect();
            content.push_str(&format!("1 0 0 1 {x} {} Tm <{hex}> Tj\n", top - 14 * n));
            x += 10 * cell.chars().count() + 30;
        }
    }
    content.push_str("ET");
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let mut u = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut u)
                .iter()
                .map(|x| format!("{x:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{units}>\n", cid(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
    let width = 2400;
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {}] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>", top + 40),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /FontDescriptor 8 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{cmap}\nendstream", cmap.len()),
        "<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn has_pdftotext() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
}

#[test]
fn pdf_reports_through_pdftotext() {
    if !has_pdftotext() && std::env::var_os("GONGKAI_REQUIRE_PDFTOTEXT").is_none() {
        eprintln!("pdftotext missing (apt-get install poppler-utils): PDF test skipped");
        return;
    }
    // Narrative lines wrap at 60 chars, mid-word, as in a PDF.
    let mut lines = Vec::new();
    for line in fixture("fuxin-zrzyj-2020.txt").lines() {
        let chars: Vec<char> = line.chars().collect();
        if line.contains('\t') || chars.len() <= 60 {
            lines.push(line.to_string());
        } else {
            lines.extend(chars.chunks(60).map(|c| c.iter().collect::<String>()));
        }
    }
    let x = extract_bytes(&pdf_of(&lines), None).expect("a report from the PDF");
    let expected: Value = serde_json::from_str(&fixture("fuxin-zrzyj-2020.expected.json")).unwrap();
    assert_eq!(x.report.figures_json(), expected);
    assert!(x.audit(None).findings.unwrap_or_default().is_empty());
    // A broken PDF is unreadable, not a panic.
    let broken = b"%PDF-1.4\n1 0 obj << >> endobj\n";
    assert!(matches!(
        extract_bytes(broken, None),
        Err(AuditError::Unreadable(_))
    ));
}

#[test]
fn unreadable_empty_binary_and_non_reports_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 6] = [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "empty"),
        (
            "binary.txt",
            &[0u8, 159, 146, 150, 0, 1, 2, 3],
            "unreadable",
        ),
        (
            "novel.txt",
            "从前有座山，山里有座庙。".as_bytes(),
            "not an annual report",
        ),
        ("broken.docx", b"PK\x03\x04garbage", "unreadable"),
        (
            "nonsense.html",
            b"<html><body><table><tr><td>1</td></tr></table>",
            "not an annual report",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = write(dir.path(), name, bytes);
        let (code, out, err) = run(args(vec![path]));
        assert_eq!(code, 2, "{name}");
        assert!(out.is_empty() || !out.contains("findings"), "{name}: {out}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
    }
    let (code, _, err) = run(args(vec![dir.path().join("missing.txt")]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"));
}

#[test]
fn batch_json_lines_summary_csv_and_cross_year() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "fuxin-zrzyj-2020.txt",
        "huaian-city-2024.txt",
        "pingtan-2021.txt",
        "shanghai-office-2019.txt",
    ] {
        write(dir.path(), name, fixture(name).as_bytes());
    }
    // The same agency's 2019 report, carrying forward 2 requests that 2020 does not carry over.
    let prev = fixture("fuxin-zrzyj-2020.txt")
        .replace("阜新市自然资源局 2020 年度", "阜新市自然资源局 2019 年度")
        .replace(
            "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0",
            "四、结转下年度继续办理\t\t2\t0\t0\t0\t0\t0\t2",
        )
        .replace(
            "(七) 总计\t13\t2\t0\t0\t0\t0\t15",
            "(七) 总计\t11\t2\t0\t0\t0\t0\t13",
        )
        .replace(
            "（一）予以公开\t13\t2\t0\t0\t0\t0\t15",
            "（一）予以公开\t11\t2\t0\t0\t0\t0\t13",
        );
    write(dir.path(), "fuxin-zrzyj-2019.txt", prev.as_bytes());
    write(dir.path(), "notes.md", b"# not a report file");

    let (code, out, _) = run(AuditArgs {
        json: true,
        ..args(vec![dir.path().to_path_buf()])
    });
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 6, "five reports and a summary");
    let fuxin = lines
        .iter()
        .find(|l| l["year"] == 2020 && l["agency"] == "阜新市自然资源局")
        .expect("fuxin 2020");
    let x1: Vec<&Value> = fuxin["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "X1")
        .collect();
    assert_eq!(x1.len(), 2, "columns 1 and 7: {x1:?}");
    assert_eq!(x1[0]["where"], "requests.carried_over[0]");
    assert_eq!(x1[0]["expected"], 2);
    let summary = &lines[5]["summary"];
    assert_eq!(summary["reports"], 5);
    assert_eq!(summary["consistent"], 5);
    assert_eq!(summary["findings_by_rule"]["X1"], 2);

    let (code, out, _) = run(AuditArgs {
        csv: true,
        ..args(vec![dir.path().to_path_buf()])
    });
    assert_eq!(code, 0);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("file,status,agency,year,format"));
    assert!(
        rows.iter()
            .any(|r| r.contains(",ok,淮安市人民政府,2024,2021,0,0,,3119,34,3050,103,")),
        "{out}"
    );

    // --previous with a single file: the same X1 warnings.
    let (code, out, _) = run(AuditArgs {
        json: true,
        previous: Some(dir.path().join("fuxin-zrzyj-2019.txt")),
        ..args(vec![dir.path().join("fuxin-zrzyj-2020.txt")])
    });
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "X1")
            .count(),
        2
    );
    assert!(report["sections"]["overview"].is_string());
}

#[test]
fn the_readable_summary() {
    let (code, out, _) = run(args(vec![
        Path::new(FIXTURES).join("shanghai-office-2019.txt"),
    ]));
    assert_eq!(code, 0);
    assert!(out.contains("上海市人民政府办公厅 · 2019"));
    assert!(
        out.contains("T1 提示 warning at requests.disclosed[6] (expected 275, found 258)"),
        "{out}"
    );
}
