//! Reading an imported file record by record, whatever its format and
//! encoding, with the line each record starts on. Nothing here panics on
//! what a file holds: a malformed line is an error of that line.

use crate::i18n::Message;
use crate::msg;
use std::io::{BufRead, BufReader, Read};

use encoding_rs_io::DecodeReaderBytesBuilder;

use super::report::RowError;
use super::{Dataset, Encoding, Format};

/// The longest line (JSON lines) or record (CSV) read, in bytes.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// One cell of a record.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// The column is not in the file: keep what is stored.
    Absent,
    /// An empty CSV cell or a JSON null: clear it.
    Null,
    Text(String),
    /// A JSON array or object (dedicated staff in JSON lines).
    Json(serde_json::Value),
}

/// A record, its cells in the order of [`Dataset::columns`].
#[derive(Debug)]
pub(crate) struct Record {
    pub line: u64,
    cells: Vec<Cell>,
}

impl Record {
    pub fn cell(&self, columns: &[&str], column: &str) -> &Cell {
        columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.cells.get(i))
            .unwrap_or(&Cell::Absent)
    }
}

pub(crate) struct RecordReader {
    columns: &'static [&'static str],
    ignored: &'static [&'static str],
    inner: Inner,
    /// Set after an error that ends the file (a bad header).
    done: bool,
}

enum Inner {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        /// For each CSV column, the entity column it fills (None: ignored).
        map: Option<Vec<Option<usize>>>,
        record: csv::ByteRecord,
    },
    Jsonl {
        reader: BufReader<Box<dyn Read + Send>>,
        line: u64,
        buf: Vec<u8>,
    },
}

impl RecordReader {
    pub fn new(
        source: Box<dyn Read + Send>,
        entity: Dataset,
        format: Format,
        encoding: Encoding,
    ) -> Self {
        let decoded: Box<dyn Read + Send> = Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(match encoding {
                    Encoding::Utf8 => None,
                    Encoding::Gb18030 => Some(encoding_rs::GB18030),
                })
                .bom_sniffing(true)
                .strip_bom(true)
                .build(source),
        );
        let decoded: Box<dyn Read + Send> = Box::new(LineLimit {
            inner: decoded,
            run: 0,
        });
        let inner = match format {
            Format::Csv => Inner::Csv {
                reader: csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(decoded),
                map: None,
                record: csv::ByteRecord::new(),
            },
            Format::Jsonl => Inner::Jsonl {
                reader: BufReader::new(decoded),
                line: 0,
                buf: Vec::new(),
            },
        };
        RecordReader {
            columns: entity.columns(),
            ignored: entity.derived_columns(),
            inner,
            done: false,
        }
    }

    /// The next record, an error of one line, or None at the end.
    pub fn next_record(&mut self) -> Option<Result<Record, RowError>> {
        if self.done {
            return None;
        }
        let next = match &mut self.inner {
            Inner::Csv {
                reader,
                map,
                record,
            } => next_csv(reader, map, record, self.columns, self.ignored),
            Inner::Jsonl { reader, line, buf } => {
                next_jsonl(reader, line, buf, self.columns, self.ignored)
            }
        };
        match next {
            Next::Record(record) => Some(Ok(record)),
            Next::Error(err) => Some(Err(err)),
            Next::Fatal(err) => {
                self.done = true;
                Some(Err(err))
            }
            Next::End => None,
        }
    }
}

/// Refuses a line longer than [`MAX_RECORD_BYTES`] (and a bit), so that
/// no record, however malformed, is read whole into memory.
struct LineLimit {
    inner: Box<dyn Read + Send>,
    /// Bytes since the last line feed.
    run: usize,
}

impl Read for LineLimit {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for byte in &buf[..n] {
            if *byte == b'\n' {
                self.run = 0;
            } else {
                self.run += 1;
            }
        }
        // The JSON-lines reader stops at its own limit and skips the rest;
        // leave it room to do so.
        if self.run > 4 * MAX_RECORD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "line too long",
            ));
        }
        Ok(n)
    }
}

enum Next {
    Record(Record),
    Error(RowError),
    /// An error after which nothing more can be read.
    Fatal(RowError),
    End,
}

fn file_error(line: u64, reason: Message) -> RowError {
    RowError {
        line,
        column: None,
        reason,
    }
}

fn next_csv(
    reader: &mut csv::Reader<Box<dyn Read + Send>>,
    map: &mut Option<Vec<Option<usize>>>,
    record: &mut csv::ByteRecord,
    columns: &[&str],
    ignored: &[&str],
) -> Next {
    loop {
        let read = reader.read_byte_record(record);
        let line = record.position().map_or(0, |p| p.line());
        match read {
            Ok(false) => return Next::End,
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(line, |p| p.line());
                return match err.kind() {
                    csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                        Next::Fatal(file_error(
                            line,
                            msg!("file-line-too-long", max = MAX_RECORD_BYTES),
                        ))
                    }
                    csv::ErrorKind::Io(_) => Next::Fatal(file_error(line, msg!("file-unreadable"))),
                    _ => Next::Error(file_error(line, msg!("file-bad-csv-record"))),
                };
            }
        }
        if record.as_slice().len() > MAX_RECORD_BYTES {
            return Next::Error(file_error(
                line,
                msg!("file-record-too-long", max = MAX_RECORD_BYTES),
            ));
        }
        let mut texts = Vec::with_capacity(record.len());
        for field in record.iter() {
            match std::str::from_utf8(field) {
                Ok(text) => texts.push(text),
                Err(_) => return Next::Error(file_error(line, msg!("file-not-utf8"))),
            }
        }
        let Some(map) = map else {
            // The header: each column must be one the entity has.
            let mut header = Vec::with_capacity(texts.len());
            let mut seen = std::collections::HashSet::new();
            for name in &texts {
                let name = name.trim();
                if !seen.insert(name.to_owned()) {
                    return Next::Fatal(file_error(line, msg!("file-header-twice", column = name)));
                }
                if let Some(i) = columns.iter().position(|c| *c == name) {
                    header.push(Some(i));
                } else if ignored.contains(&name) {
                    header.push(None);
                } else {
                    return Next::Fatal(file_error(
                        line,
                        msg!(
                            "file-header-unknown",
                            column = truncate(name, 40),
                            columns = columns.join(",")
                        ),
                    ));
                }
            }
            *map = Some(header);
            continue;
        };
        if texts.iter().all(|t| t.trim().is_empty()) {
            continue; // a blank line
        }
        if texts.len() != map.len() {
            return Next::Error(file_error(
                line,
                msg!("file-field-count", given = texts.len(), header = map.len()),
            ));
        }
        let mut cells = vec![Cell::Absent; columns.len()];
        for (text, target) in texts.iter().zip(map.iter()) {
            if let Some(i) = target {
                cells[*i] = if text.is_empty() {
                    Cell::Null
                } else {
                    Cell::Text((*text).to_owned())
                };
            }
        }
        return Next::Record(Record { line, cells });
    }
}

fn next_jsonl(
    reader: &mut BufReader<Box<dyn Read + Send>>,
    line: &mut u64,
    buf: &mut Vec<u8>,
    columns: &[&str],
    ignored: &[&str],
) -> Next {
    loop {
        buf.clear();
        *line += 1;
        let read = reader
            .by_ref()
            .take(MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', buf);
        match read {
            Ok(0) => return Next::End,
            Ok(_) => {}
            Err(err) => {
                let reason = if err.kind() == std::io::ErrorKind::InvalidData {
                    msg!("file-line-too-long", max = MAX_RECORD_BYTES)
                } else {
                    msg!("file-unreadable")
                };
                return Next::Fatal(file_error(*line, reason));
            }
        }
        if buf.len() > MAX_RECORD_BYTES {
            // Skip the rest of the overlong line.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                match reader
                    .by_ref()
                    .take(MAX_RECORD_BYTES as u64)
                    .read_until(b'\n', &mut rest)
                {
                    Ok(0) => break,
                    Ok(_) if rest.ends_with(b"\n") => break,
                    Ok(_) => continue,
                    Err(_) => break,
                }
            }
            return Next::Error(file_error(
                *line,
                msg!("file-record-too-long", max = MAX_RECORD_BYTES),
            ));
        }
        let Ok(text) = std::str::from_utf8(buf) else {
            return Next::Error(file_error(*line, msg!("file-not-utf8")));
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(object)) => object,
            Ok(_) => return Next::Error(file_error(*line, msg!("file-not-json-object"))),
            Err(err) => {
                return Next::Error(file_error(
                    *line,
                    msg!("file-bad-json", detail = err.classify_name()),
                ));
            }
        };
        let mut cells = vec![Cell::Absent; columns.len()];
        for (key, value) in object {
            let Some(i) = columns.iter().position(|c| *c == key) else {
                if ignored.contains(&key.as_str()) {
                    continue;
                }
                return Next::Error(RowError {
                    line: *line,
                    column: Some(truncate(&key, 40)),
                    reason: msg!("file-key-unknown", columns = columns.join(",")),
                });
            };
            cells[i] = match value {
                serde_json::Value::Null => Cell::Null,
                serde_json::Value::String(s) => Cell::Text(s),
                serde_json::Value::Bool(b) => Cell::Text(b.to_string()),
                serde_json::Value::Number(n) => Cell::Text(n.to_string()),
                other => Cell::Json(other),
            };
        }
        return Next::Record(Record { line: *line, cells });
    }
}

/// The category of a JSON error, without the position (the line says that).
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "unexpected end of line",
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
