//! Stage 1, `load`: the spec's text becomes a typed [`openapiv3::OpenAPI`] and a [`LineMap`],
//! so that every later stage can name the YAML line of the place it refuses. An OpenAPI 3.1
//! document is read as 3.0 (`downgrade`) before openapiv3 sees it.

mod downgrade;

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::error::{CodegenError, Place, YamlLocation, pointer_segment};

/// The parsed spec and where each of its nodes is written.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The spec, typed.
    pub spec: OpenAPI,
    /// JSON pointer → YAML line.
    pub lines: LineMap,
}

/// Where each node of the YAML text starts: JSON pointer → 1-based line.
#[derive(Debug, Default)]
pub(crate) struct LineMap(BTreeMap<String, usize>);

impl LineMap {
    /// The place of `pointer`, with the line of the node or of its nearest ancestor in the text
    /// (a pointer into a `$ref`'d or defaulted part has no line of its own).
    pub fn place(&self, pointer: impl Into<String>) -> Place {
        let pointer = pointer.into();
        let mut prefix = pointer.as_str();
        let line = loop {
            if let Some(line) = self.0.get(prefix) {
                break Some(*line);
            }
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => break None,
            }
        };
        Place { pointer, line }
    }
}

/// Parses the text: YAML, then the version (3.1 rewritten as 3.0), then the OpenAPI 3.0
/// document.
pub(crate) fn load(text: &str) -> Result<Loaded, CodegenError> {
    // serde_yaml reports syntax errors with their line and column, and reads the values.
    let mut raw: Value = serde_yaml::from_str(text).map_err(|err| CodegenError::Yaml {
        location: YamlLocation(err.location().map(|l| (l.line(), l.column()))),
        message: err.to_string(),
    })?;
    let lines = line_map(text);
    if check_version(&raw, &lines)? == Version::V3_1 {
        let mut without = downgrade::downgrade(&mut raw);
        if !without.is_empty() {
            without.sort_by_key(|(pointer, _)| lines.place(pointer.as_str()).line);
            return Err(CodegenError::Without30Form {
                places: without
                    .into_iter()
                    .map(|(pointer, keyword)| (lines.place(pointer), keyword))
                    .collect(),
            });
        }
    }
    let spec: OpenAPI =
        serde_path_to_error::deserialize(&raw).map_err(|err| CodegenError::InvalidDocument {
            place: lines.place(path_to_pointer(err.path())),
            message: err.inner().to_string(),
        })?;
    Ok(Loaded { spec, lines })
}

/// The OpenAPI versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V3_0,
    V3_1,
}

fn check_version(raw: &Value, lines: &LineMap) -> Result<Version, CodegenError> {
    let Some(document) = raw.as_object() else {
        return Err(CodegenError::InvalidDocument {
            place: lines.place(""),
            message: "the document is not a mapping".into(),
        });
    };
    let found = match document.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") => return Ok(Version::V3_0),
        Some(Value::String(version)) if version.starts_with("3.1.") => return Ok(Version::V3_1),
        Some(Value::String(version)) => version.clone(),
        Some(other) => other.to_string(),
        None => "<missing>".into(),
    };
    Err(CodegenError::UnsupportedVersion {
        found,
        place: lines.place("/openapi"),
    })
}

/// The JSON pointer of serde_path_to_error's path, segment by segment (a key may hold `.`).
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .map(|segment| format!("/{}", pointer_segment(&segment)))
        .collect()
}

/// The line of every node of the first document. Best effort: text serde_yaml accepted but
/// yaml-rust2 does not gives the lines read so far, and places without a line stay usable.
fn line_map(text: &str) -> LineMap {
    let mut builder = LineMapBuilder::default();
    let _ = Parser::new_from_str(text).load(&mut builder, false);
    LineMap(builder.lines)
}

/// A collection being read: its pointer, and where the next node goes.
enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        index: usize,
    },
}

#[derive(Default)]
struct LineMapBuilder {
    stack: Vec<Frame>,
    lines: BTreeMap<String, usize>,
}

impl LineMapBuilder {
    /// The pointer of the node starting now, or `None` when it is a mapping key.
    fn next_node(&mut self, mark: Marker) -> Option<String> {
        let pointer = match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::Sequence { pointer, index }) => {
                *index += 1;
                format!("{pointer}/{}", *index - 1)
            }
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                Some(key) => format!("{pointer}/{}", pointer_segment(&key)),
                None => return None,
            },
        };
        self.lines.entry(pointer.clone()).or_insert(mark.line());
        Some(pointer)
    }
}

impl LineMapBuilder {
    fn scalar(&mut self, value: String, mark: Marker) {
        if self.next_node(mark).is_some() {
            return;
        }
        // A key: its line is the line of the value it introduces.
        if let Some(Frame::Mapping { pointer, key }) = self.stack.last_mut() {
            let child = format!("{pointer}/{}", pointer_segment(&value));
            self.lines.entry(child).or_insert(mark.line());
            *key = Some(value);
        }
    }
}

impl MarkedEventReceiver for LineMapBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => self.scalar(value, mark),
            Event::Alias(_) => {
                self.next_node(mark);
            }
            Event::MappingStart(..) => {
                let pointer = self.next_node(mark).unwrap_or_default();
                self.stack.push(Frame::Mapping { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.next_node(mark).unwrap_or_default();
                self.stack.push(Frame::Sequence { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_map_to_the_lines_they_start_on() {
        let text = "openapi: 3.0.3\npaths:\n  /pins/{id}:\n    get:\n      tags: [a, b]\n      \
                    responses:\n        \"200\":\n          description: ok\n";
        let lines = line_map(text);
        assert_eq!(lines.place("/openapi").line, Some(1));
        assert_eq!(lines.place("/paths/~1pins~1{id}/get").line, Some(4));
        assert_eq!(lines.place("/paths/~1pins~1{id}/get/tags/1").line, Some(5));
        assert_eq!(
            lines.place("/paths/~1pins~1{id}/get/responses/200").line,
            Some(7)
        );
        // A place without a node of its own takes its nearest ancestor's line.
        assert_eq!(
            lines
                .place("/paths/~1pins~1{id}/get/requestBody")
                .to_string(),
            "/paths/~1pins~1{id}/get/requestBody (line 4)"
        );
    }

    #[test]
    fn a_document_error_names_keys_with_dots_and_indexes_whole() {
        let refused = |tail: &str| {
            let text =
                format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{tail}");
            match load(&text) {
                Err(CodegenError::InvalidDocument { place, .. }) => place,
                other => panic!("the document is refused: {other:?}"),
            }
        };
        let place = refused("servers:\n  - url: a\n  - url: [b]\n");
        assert_eq!(place.to_string(), "/servers/1/url (line 6)");
        let place = refused("components:\n  schemas:\n    file.m3u8: 7\n");
        assert_eq!(place.pointer, "/components/schemas/file.m3u8");
        assert_eq!(place.line, Some(6));
    }
}
