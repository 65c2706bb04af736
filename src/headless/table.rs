//! Plain-text tables: columns padded to their widest cell, two spaces apart, the last column
//! left ragged so nothing trails.

/// Render `header` and `rows` with every line indented by `indent` spaces.
pub fn render(header: &[&str], rows: &[Vec<String>], indent: usize) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = " ".repeat(indent);
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_lines_do_not_trail() {
        let rows = vec![
            vec!["OK".to_string(), "Canary error rate".into(), "".into()],
            vec!["BREACH".to_string(), "p95".into(), "over".into()],
        ];
        let out = render(&["STATE", "CONDITION", "WHY"], &rows, 2);
        assert_eq!(
            out,
            "  STATE   CONDITION          WHY\n  OK      Canary error rate\n  BREACH  p95                over\n"
        );
    }
}
