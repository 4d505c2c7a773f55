//! Stage 5, `render`: formats each file with prettyplease under the do-not-edit header.

use crate::shape::ShapedFile;
use crate::{GeneratedFile, generated_header};

/// The files as text, under a header naming `source`, the spec they come from.
pub(crate) fn render(files: Vec<ShapedFile>, source: &str) -> Vec<GeneratedFile> {
    let header = generated_header(source);
    files
        .into_iter()
        .map(|shaped| GeneratedFile {
            contents: format!("{header}\n{}", prettyplease::unparse(&shaped.file)),
            path: shaped.path,
        })
        .collect()
}
