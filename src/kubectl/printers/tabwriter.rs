//! An elastic-tabstop writer that aligns tab-separated cells into columns
//! exactly like kubectl's output writer.
//!
//! kubectl prints every table through `github.com/liggitt/tabwriter`, a fork of
//! Go's `text/tabwriter`, created by cli-runtime's `GetNewTabWriter` with
//! minwidth 6, tabwidth 4, padding 3, pad character `' '` and the
//! `RememberWidths` flag. This module owns a faithful port of that algorithm:
//!
//! - Text is split into cells at `'\t'` and `'\v'`; lines end at `'\n'` or
//!   `'\f'`. The last cell of a line is not tab-terminated, belongs to no
//!   column and is never padded (so lines carry no trailing spaces unless the
//!   last cell is empty and follows a tab).
//! - A column is formed by a block of consecutive lines that all have a
//!   tab-terminated cell at that index; its width is
//!   `max(minwidth, widest cell + padding)`, measured in Unicode scalar values.
//! - A line holding a single cell flushes the writer (Go's behaviour), and a
//!   `'\f'` always does.
//! - With `remember_widths`, a column never becomes narrower than it was in
//!   an earlier flush; this is what keeps `kubectl get -w` rows aligned.
//!
//! The flags kubectl does not use (escapes, HTML filtering, right alignment,
//! debug bars, discarding empty columns) are not ported.

/// The vertical tab, which ends a cell without making it "hard".
const VTAB: char = '\u{b}';

/// The form feed, which ends a line and forces a flush.
const FORMFEED: char = '\u{c}';

/// The knobs of a [`TabWriter`], mirroring `tabwriter.NewWriter`'s arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TabWriterConfig {
    /// Minimal width of a column, padding included.
    pub min_width: usize,
    /// Width of a tab character, used only when `pad_char` is `'\t'`.
    pub tab_width: usize,
    /// Number of padding characters added to the widest cell of a column.
    pub padding: usize,
    /// Character used for padding; `'\t'` pads with tabs of `tab_width`.
    pub pad_char: char,
    /// Whether column widths persist (and only grow) across flushes.
    pub remember_widths: bool,
}

impl TabWriterConfig {
    /// The configuration of cli-runtime's `GetNewTabWriter`, used by every
    /// `kubectl get` table.
    pub const KUBECTL: TabWriterConfig = TabWriterConfig {
        min_width: 6,
        tab_width: 4,
        padding: 3,
        pad_char: ' ',
        remember_widths: true,
    };
}

/// One cell of a buffered line: its text and its width in characters. (Go
/// also records whether a hard tab ended the cell; only the unported
/// `DiscardEmptyColumns` flag reads that.)
#[derive(Clone, Debug, Default)]
struct Cell {
    text: String,
    width: usize,
}

/// A buffering writer that aligns tab-separated text; see the module docs.
#[derive(Clone, Debug)]
pub struct TabWriter {
    config: TabWriterConfig,
    lines: Vec<Vec<Cell>>,
    cell: String,
    widths: Vec<usize>,
    remembered: Vec<usize>,
    out: String,
}

impl TabWriter {
    /// Creates a writer with the given configuration.
    pub fn new(config: TabWriterConfig) -> TabWriter {
        TabWriter {
            config,
            lines: vec![Vec::new()],
            cell: String::new(),
            widths: Vec::new(),
            remembered: Vec::new(),
            out: String::new(),
        }
    }

    /// Creates a writer configured like kubectl's (`TabWriterConfig::KUBECTL`).
    pub fn kubectl() -> TabWriter {
        TabWriter::new(TabWriterConfig::KUBECTL)
    }

    /// Buffers `text`; aligned output becomes available from [`TabWriter::flush`].
    pub fn write(&mut self, text: &str) {
        for ch in text.chars() {
            match ch {
                '\t' | VTAB | '\n' | FORMFEED => {
                    let ncells = self.terminate_cell();
                    if ch == '\n' || ch == FORMFEED {
                        self.lines.push(Vec::new());
                        if ch == FORMFEED || ncells == 1 {
                            // A single-cell line cannot affect the layout of
                            // the lines after it, so Go flushes right away.
                            self.flush_buffered();
                        }
                    }
                }
                _ => self.cell.push(ch),
            }
        }
    }

    /// Formats everything buffered and returns all output produced since the
    /// previous call, including output from implicit flushes inside `write`.
    pub fn flush(&mut self) -> String {
        self.flush_buffered();
        std::mem::take(&mut self.out)
    }

    /// The per-column widths remembered from earlier flushes.
    pub fn remembered_widths(&self) -> &[usize] {
        &self.remembered
    }

    /// Replaces the remembered widths (kubectl resets them to empty whenever
    /// `kubectl get` moves on to another resource type).
    pub fn set_remembered_widths(&mut self, widths: Vec<usize>) {
        self.remembered = widths;
    }

    fn terminate_cell(&mut self) -> usize {
        let text = std::mem::take(&mut self.cell);
        let width = text.chars().count();
        let cell = Cell { text, width };
        match self.lines.last_mut() {
            Some(line) => {
                line.push(cell);
                line.len()
            }
            None => {
                self.lines.push(vec![cell]);
                1
            }
        }
    }

    fn flush_buffered(&mut self) {
        if !self.cell.is_empty() {
            self.terminate_cell();
        }
        let line_count = self.lines.len();
        self.format(0, line_count);
        self.lines.clear();
        self.lines.push(Vec::new());
        self.widths.clear();
    }

    /// Formats lines `line0..line1`, the columns left of `self.widths.len()`
    /// having known widths. This is Go's recursive `format`: each column block
    /// fixes one more width, then the block is formatted for the next column.
    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block.
            self.write_lines(line0, this);
            line0 = this;

            let mut width = self.config.min_width;
            while this < line1 && column + 1 < self.lines[this].len() {
                width = width.max(self.lines[this][column].width + self.config.padding);
                this += 1;
            }

            if self.config.remember_widths {
                if self.remembered.len() < self.widths.len() {
                    let known = self.remembered.len();
                    self.remembered.extend_from_slice(&self.widths[known..]);
                }
                match self.remembered.get(column).copied() {
                    None => self.remembered.push(width),
                    Some(old) if old > width => width = old,
                    Some(_) => self.remembered[column] = width,
                }
            }

            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        let last = self.lines.len();
        for i in line0..line1 {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(&cell.text);
                if let Some(&column_width) = self.widths.get(j) {
                    pad(&mut self.out, &self.config, cell.width, column_width);
                }
            }
            if i + 1 != last {
                self.out.push('\n');
            }
        }
    }
}

/// Appends the padding that widens a cell of `text_width` to `cell_width`.
fn pad(out: &mut String, config: &TabWriterConfig, text_width: usize, cell_width: usize) {
    if config.pad_char == '\t' {
        if config.tab_width == 0 {
            return;
        }
        let cell_width = cell_width.div_ceil(config.tab_width) * config.tab_width;
        let n = cell_width.saturating_sub(text_width);
        out.extend(std::iter::repeat_n('\t', n.div_ceil(config.tab_width)));
        return;
    }
    let n = cell_width.saturating_sub(text_width);
    out.extend(std::iter::repeat_n(config.pad_char, n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        name: &str,
        min_width: usize,
        tab_width: usize,
        padding: usize,
        pad_char: char,
        src: &str,
        want: &str,
    ) {
        let config = TabWriterConfig {
            min_width,
            tab_width,
            padding,
            pad_char,
            remember_widths: false,
        };
        let mut w = TabWriter::new(config);
        w.write(src);
        assert_eq!(w.flush(), want, "case {name}");
    }

    /// Mirrors the flag-free cases of Go's `text/tabwriter` `tests` table
    /// (copied into liggitt/tabwriter's tabwriter_test.go), names kept.
    #[test]
    fn go_tabwriter_table_cases() {
        check("1a", 8, 0, 1, '.', "", "");
        check("2", 8, 0, 1, '.', "\n\n\n", "\n\n\n");
        check("3", 8, 0, 1, '.', "a\nb\nc", "a\nb\nc");
        check("4a", 8, 0, 1, '.', "\t", "");
        check("5", 8, 0, 1, '.', "*\t*", "*.......*");
        check("5b", 8, 0, 1, '.', "*\t*\n", "*.......*\n");
        check("5c", 8, 0, 1, '.', "*\t*\t", "*.......*");
        check("6", 8, 0, 1, '.', "\t\n", "........\n");
        check("7a", 8, 0, 1, '.', "a) foo", "a) foo");
        check("7b", 8, 0, 1, ' ', "b) foo\tbar", "b) foo  bar");
        check("7c", 8, 0, 1, '.', "c) foo\tbar\t", "c) foo..bar");
        check("7d", 8, 0, 1, '.', "d) foo\tbar\n", "d) foo..bar\n");
        check("7e", 8, 0, 1, '.', "e) foo\tbar\t\n", "e) foo..bar.....\n");
        check("8", 8, 0, 1, '*', "Hello, world!\n", "Hello, world!\n");
        check(
            "9a",
            1,
            0,
            0,
            '.',
            "1\t2\t3\t4\n11\t222\t3333\t44444\n",
            "1.2..3...4\n11222333344444\n",
        );
        check(
            "9c",
            1,
            0,
            0,
            '.',
            "1\t2\t3\t4\u{c}11\t222\t3333\t44444\n",
            "1234\n11222333344444\n",
        );
        check("10a", 5, 0, 0, '.', "1\t2\t3\t4\n", "1....2....3....4\n");
        check(
            "10b",
            5,
            0,
            0,
            '.',
            "1\t2\t3\t4\t\n",
            "1....2....3....4....\n",
        );
        check(
            "11",
            8,
            0,
            1,
            '.',
            "本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n",
            "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n",
        );
        check(
            "12b",
            2,
            0,
            0,
            ' ',
            "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
            "a  b  c\naa bbbcccc\naaabbbb\n",
        );
        check(
            "12c",
            8,
            0,
            1,
            '_',
            "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
            "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n",
        );
        check(
            "13a",
            4,
            0,
            1,
            '-',
            "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
            "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n",
        );
        check(
            "13b",
            4,
            0,
            3,
            '.',
            "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
            "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n",
        );
        check("15a", 4, 0, 0, '.', "a\t\tb", "a.......b");
        let blocks = "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n";
        check("16a", 100, 100, 0, '\t', blocks, blocks);
    }

    /// Mirrors liggitt/tabwriter's `TestMultiWrite`: with RememberWidths, later
    /// flushes keep the widths of earlier ones until they are reset.
    #[test]
    fn remember_widths_across_flushes() {
        let mut w = TabWriter::kubectl();
        w.write("First\tMiddle\tLast\n");
        w.write("a\tbb\tccc\n");
        w.write("ddd\teeeeeeeeeeeeee\tf\n");
        assert_eq!(w.flush(), "First   Middle           Last\na       bb               ccc\nddd     eeeeeeeeeeeeee   f\n");
        w.write("g\th\ti\n");
        assert_eq!(w.flush(), "g       h                i\n");
        w.write("j\t\t\n");
        assert_eq!(w.flush(), "j                        \n");
        w.write("\tk\t\n");
        assert_eq!(w.flush(), "        k                \n");
        w.write("\t\tl\n");
        assert_eq!(w.flush(), "                         l\n");
        w.set_remembered_widths(Vec::new());
        w.write("sssss\tt\tu\n");
        assert_eq!(w.flush(), "sssss   t     u\n");
    }

    /// kubectl's minwidth of 6 widens short columns: upstream cli-runtime
    /// `TestPrintTable` expects `test1   1/1   podPhase   5     20h` with
    /// `--no-headers`.
    #[test]
    fn kubectl_min_width_six() {
        let mut w = TabWriter::kubectl();
        w.write("test1\t1/1\tpodPhase\t5\t20h\n");
        assert_eq!(w.flush(), "test1   1/1   podPhase   5     20h\n");
    }
}
